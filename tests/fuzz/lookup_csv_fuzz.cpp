// Staff upload lookup lists (対象者名簿) as CSV through POST /api/lookups/{name}/preview and
// PUT /api/lookups/{name}; the body is arbitrary bytes (Excel exports in Shift_JIS or UTF-8 with
// or without BOM, UTF-16, stray quotes). The reader must either return a table whose rows all
// have the header's width and whose text is valid UTF-8 JSON, or reject the file with
// ApiError 400, nothing else.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "applications/lookup_lists.h"
#include "core/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string csv(reinterpret_cast<const char*>(data), size);
  try {
    auto table = mg::applications::read_lookup_csv(csv);
    if (table.columns.empty()) std::abort();
    for (const auto& r : table.rows)
      if (r.size() != table.columns.size()) std::abort();
    mg::Json(table.columns).dump();  // throws on invalid UTF-8: would be a 500
    for (const auto& row : mg::applications::parse_lookup_csv(csv)) {
      mg::Json j = mg::Json::parse(row, nullptr, /*allow_exceptions=*/false);
      if (!j.is_object()) std::abort();  // stored rows are read back as objects
    }
  } catch (const mg::ApiError& e) {
    if (e.status() != 400) std::abort();
  }
  return 0;
}
