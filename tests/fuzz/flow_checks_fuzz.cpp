// Flow tests staff write in the service builder: PUT /api/services/{id}/flow-tests parses any
// body into bounded tests, and POST .../flow-tests/run runs them on a draft. Input layout: the
// request body as JSON ({tests:[...]} or the bare list); the parsed tests are run on a small
// fixed draft so every expectation path is reached.
#include <cstddef>
#include <cstdint>

#include "core/errors.h"
#include "core/json_parse.h"
#include "services/catalog.h"
#include "services/flow_checks.h"

namespace {
const mg::conversation::ServiceDefinition& draft() {
  static const auto def = mg::services::load_or_throw(mg::parse_json(R"({
    "format": "madoguchi.service/1", "service_key": "fuzz", "title": "fuzz", "steps": [
      {"id": "kind", "kind": "choice", "text": "どれ？", "choices": [
        {"value": "a", "label": "A", "fee": 300}, {"value": "b", "label": "B", "next": "name"}]},
      {"id": "day", "kind": "date", "text": "日付は？", "max": "today"},
      {"id": "name", "kind": "text", "format": "kana", "text": "フリガナは？"},
      {"id": "confirm", "kind": "confirm"}, {"id": "submit", "kind": "submit"}]})"));
  return def;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mg::Json body;
  try {
    body = mg::parse_json_or_discarded(std::string_view(reinterpret_cast<const char*>(data), size),
                                       {16, 256 * 1024});
  } catch (const mg::ApiError&) {
    return 0;  // over the limits: the route answers 413/400 first
  }
  if (body.is_discarded()) return 0;
  try {
    auto tests = mg::services::parse_flow_checks(body);
    mg::conversation::Context ctx{"2025-04-01", 1'700'000'000'000, nullptr, nullptr, 0};
    (void)mg::services::run_flow_checks(draft(), tests, ctx).dump();
  } catch (const mg::ApiError&) {
    // documented: 400 with the field for anything out of shape
  }
  return 0;
}
