// A staff member's campaign (POST /api/campaigns {title, messages, audience}) as arbitrary
// bytes: parsed with the server's JSON limits and checked by delivery::validated_campaign.
// Beyond "no crash": either a 400 ApiError naming a field, or a title of 1..100 UTF-16 units,
// 1..5 text messages of 1..5000 units, and an audience the fan-out turns into a SQL filter
// with one parameter per resident id.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "channels/line/text_units.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "delivery/fanout.h"
#include "delivery/routes.h"

using mg::Json;

namespace {
void check(bool ok) {
  if (!ok) std::abort();  // an invariant broke: libFuzzer saves the input as a crash
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  Json body;
  try {
    // As POST /api/campaigns parses its body: over the size or depth limit is a 400 before us.
    body = mg::parse_json_or_discarded(text);
  } catch (const mg::ApiError&) {
    return 0;
  }
  if (body.is_discarded()) return 0;
  try {
    Json v = mg::delivery::validated_campaign(body);
    auto title = v["title"].get<std::string>();
    check(!title.empty() && mg::line::utf16_length(title) <= 100);
    check(v["messages"].is_array() && !v["messages"].empty() && v["messages"].size() <= 5);
    for (const auto& m : v["messages"]) {
      auto t = m["text"].get<std::string>();
      check(m["type"] == "text" && !t.empty() && mg::line::utf16_length(t) <= 5000);
    }
    auto f = mg::delivery::audience_filter(v["audience"]);
    if (v["audience"]["kind"] == "residents")
      check(f.params.size() == v["audience"]["resident_ids"].size() && f.params.size() <= 5000);
    else
      check(f.params.empty());
  } catch (const mg::ApiError& e) {
    check(e.status() == 400 && !e.field().empty() == (body.is_object()));
  }
  return 0;
}
