// Staff send conditions over residents' attributes as JSON (POST /api/residents/count, later
// campaigns). The compiler must either give SQL whose placeholders match its parameters, or
// refuse with ApiError 400 whose message is valid UTF-8; never crash, never recurse unbounded.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/errors.h"
#include "core/json_parse.h"
#include "residents/condition.h"

namespace {
std::vector<mg::residents::AttributeDefinition> definitions() {
  using mg::residents::AttributeType;
  std::vector<mg::residents::AttributeDefinition> d(6);
  const char* keys[] = {"district", "topics", "score", "birth_date", "villager", "memo"};
  AttributeType types[] = {AttributeType::choice, AttributeType::tag,    AttributeType::number,
                           AttributeType::date,   AttributeType::yes_no, AttributeType::text};
  for (int i = 0; i < 6; ++i) {
    d[i].key = keys[i];
    d[i].label = keys[i];
    d[i].type = types[i];
  }
  d[0].options = {{"kita", "北地区"}, {"minami", "南地区"}};
  d[1].multiple = true;
  return d;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto defs = definitions();
  mg::Json j;
  try {
    // As POST /api/residents/count parses its body: over the limits is a 400 before us.
    j = mg::parse_json_or_discarded(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const mg::ApiError&) {
    return 0;
  }
  if (j.is_discarded()) return 0;
  mg::residents::CompileOptions options;
  options.today = "2026-11-30";
  try {
    auto c = mg::residents::compile_condition(j, defs, 1, options);
    std::size_t marks = 0;
    for (char ch : c.sql) marks += ch == '?';
    if (marks != c.params.size()) std::abort();
  } catch (const mg::ApiError& e) {
    if (e.status() != 400) std::abort();
    mg::Json{{"message", e.what()}, {"field", e.field()}}.dump();  // throws on bad UTF-8
  }
  return 0;
}
