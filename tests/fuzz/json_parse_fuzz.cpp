// libFuzzer target for the bounded JSON parser: whatever the bytes, parse_json either throws
// (parse error or limit) or returns a value that can be dumped without exhausting the stack.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/json_limit_error.h"
#include "core/json_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    mg::Json j = mg::parse_json(text);
    mg::Json copy = j;  // copying recurses like dumping does
    (void)copy.dump(-1, ' ', false, mg::Json::error_handler_t::replace);
  } catch (const mg::JsonLimitError&) {
  } catch (const mg::Json::exception&) {
  }
  mg::Json stored = mg::parse_stored_json(text);
  if (!stored.is_discarded()) (void)stored.dump(-1, ' ', false, mg::Json::error_handler_t::replace);
  return 0;
}
