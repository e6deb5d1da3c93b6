// Staff upload lookup lists (対象者台帳) as CSV through PUT /api/lookups/{name}; the body is
// arbitrary bytes (Excel exports, Shift_JIS, stray quotes). The parser must either return rows
// that are valid stored JSON objects or reject the file with ApiError 400, nothing else.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "applications/lookup_lists.h"
#include "core/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string csv(reinterpret_cast<const char*>(data), size);
  try {
    for (const auto& row : mg::applications::parse_lookup_csv(csv)) {
      mg::Json j = mg::Json::parse(row, nullptr, /*allow_exceptions=*/false);
      if (!j.is_object()) std::abort();  // stored rows are read back as objects
    }
  } catch (const mg::ApiError& e) {
    if (e.status() != 400) std::abort();
  }
  return 0;
}
