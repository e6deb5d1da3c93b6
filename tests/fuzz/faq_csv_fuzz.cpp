// Staff import FAQ files from open-data portals and Excel (`POST /api/faq/import`): outside
// input in UTF-8 or Shift_JIS. read_csv never throws; every entry it returns passes the entry
// checks again unchanged (question and answer present, valid UTF-8, dates in YYYY-MM-DD), and
// every problem names a line; the export of the entries reads back to the same entries.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/text_encoding.h"
#include "faq/csv_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string csv(reinterpret_cast<const char*>(data), size);
  auto r = mg::faq::read_csv(csv);
  for (const auto& p : r.problems)
    if (p.line == 0 || p.message.empty()) std::abort();
  if (r.entries.size() != r.lines.size()) std::abort();
  for (auto e : r.entries) {
    if (e.question.empty() || e.answer.empty()) std::abort();
    if (!mg::is_utf8(e.question) || !mg::is_utf8(e.answer)) std::abort();
    auto again = e;
    if (!mg::faq::check_entry(again).message.empty()) std::abort();
    if (again.question != e.question || again.valid_from != e.valid_from) std::abort();
  }
  auto back = mg::faq::read_csv(mg::faq::write_csv(r.entries, "999999", "町"));
  if (back.entries.size() != r.entries.size()) std::abort();
  return 0;
}
