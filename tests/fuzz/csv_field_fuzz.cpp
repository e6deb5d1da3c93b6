// Every staff CSV export (bookings, residents, applications) writes cells of outside text —
// names and notes residents or callers gave — through csv::field. Whatever the text, the
// cell must read back as that one field (quoting is right), and a cell a spreadsheet would
// run as a formula must come back with the leading ' that makes it text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/csv.h"

namespace {
bool formula_like(const std::string& v) {
  if (!v.empty() && (v[0] == '\t' || v[0] == '\r')) return true;
  std::size_t i = 0;
  while (i < v.size() && (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n' ||
                          v.compare(i, 3, "\xE3\x80\x80") == 0))
    i += v.compare(i, 3, "\xE3\x80\x80") == 0 ? 3 : 1;
  return i < v.size() && (v[i] == '=' || v[i] == '+' || v[i] == '-' || v[i] == '@');
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;
  std::string v(reinterpret_cast<const char*>(data), size);
  // Not the first cell of the file: a leading BOM there is the file's, not the field's.
  auto records = mg::csv::read("a," + mg::csv::field(v) + ",z\r\n");
  if (records.size() != 1 || records[0].fields.size() != 3) std::abort();
  if (records[0].fields[2] != "z") std::abort();
  const std::string& back = records[0].fields[1];
  if (back != (formula_like(v) ? "'" + v : v)) std::abort();
  return 0;
}
