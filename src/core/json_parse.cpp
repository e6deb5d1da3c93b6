#include "core/json_parse.h"

#include <cstring>
#include <string>

#include "core/json_limit_error.h"

namespace mg {

std::size_t json_nesting_depth(std::string_view text, std::size_t stop_above) {
  std::size_t depth = 0, deepest = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    char c = *p++;
    if (c == '"') {
      // Skip the string: memchr to the next quote, which is escaped when an odd run of
      // backslashes precedes it (the run cannot reach past the opening quote).
      for (;;) {
        auto* q = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(end - p)));
        if (!q) return deepest;  // unterminated: nlohmann fails there
        const char* b = q;
        while (b > p && b[-1] == '\\') --b;
        p = q + 1;
        if ((q - b) % 2 == 0) break;
      }
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > stop_above) return deepest;
      }
    } else if (c == ']' || c == '}') {
      // An unmatched closer ends what nlohmann will read (it fails there), so stop counting.
      if (depth == 0) return deepest;
      --depth;
    }
  }
  return deepest;
}

namespace {
void check_limits(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    JsonLimitError e(413, "json_too_large",
                     "JSON が大きすぎます（" + std::to_string(limits.max_bytes) + " バイトまで）");
    e.with_details({{"max_bytes", limits.max_bytes}});
    throw e;
  }
  if (json_nesting_depth(text, limits.max_depth) > limits.max_depth) {
    JsonLimitError e(
        400, "json_too_deep",
        "JSON の入れ子が深すぎます（" + std::to_string(limits.max_depth) + " 段まで）");
    e.with_details({{"max_depth", limits.max_depth}});
    throw e;
  }
}
}  // namespace

Json parse_json(std::string_view text, JsonLimits limits) {
  check_limits(text, limits);
  return Json::parse(text.data(), text.data() + text.size());
}

Json parse_json_or_discarded(std::string_view text, JsonLimits limits) {
  check_limits(text, limits);
  return Json::parse(text.data(), text.data() + text.size(), nullptr, false);
}

Json parse_stored_json(std::string_view text, JsonLimits limits) {
  if (text.size() > limits.max_bytes ||
      json_nesting_depth(text, limits.max_depth) > limits.max_depth)
    return Json(Json::value_t::discarded);
  return Json::parse(text.data(), text.data() + text.size(), nullptr, false);
}

}  // namespace mg
