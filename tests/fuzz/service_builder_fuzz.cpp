// The console's service builder sends drafts as staff type them: POST /api/services/validate
// checks any definition (parse, validate, advise) and POST /api/services/preview replays any
// list of inputs through the engine on it. Input layout: the request body as JSON,
// {definition, inputs?}; a bare definition is also checked.
#include <cstddef>
#include <cstdint>

#include "core/errors.h"
#include "core/json_parse.h"
#include "services/builder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mg::Json body;
  try {
    body = mg::parse_json_or_discarded(std::string_view(reinterpret_cast<const char*>(data), size),
                                       mg::kServiceDefinitionLimits);
  } catch (const mg::ApiError&) {
    return 0;  // over the limits: the route answers 413/400 before the builder sees it
  }
  if (body.is_discarded()) return 0;
  const mg::Json& def = body.is_object() && body.contains("definition") ? body["definition"] : body;
  (void)mg::services::check_draft(def).dump();
  try {
    (void)mg::services::preview_turn(body, 1'700'000'000'000).dump();
  } catch (const mg::ApiError&) {
    // documented: 400 for a body without a loadable definition or with bad inputs
  }
  return 0;
}
