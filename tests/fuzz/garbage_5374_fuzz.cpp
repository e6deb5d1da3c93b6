// Towns import their 5374 garbage calendars (`madoguchi garbage import`, the console); the
// files are outside input (Shift_JIS or UTF-8, Excel's mistakes). The input is split on a form
// feed into area_days.csv, center.csv, remarks.csv, target.csv. The reader must never crash,
// every problem must name a known file, and each cell it kept must survive format → parse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

#include "garbage/format_5374.h"
#include "garbage/schedule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  static const char* names[] = {"area_days.csv", "center.csv", "remarks.csv", "target.csv"};
  std::map<std::string, std::string> files;
  std::size_t start = 0;
  for (const char* name : names) {
    auto end = in.find('\f', start);
    files[name] = in.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  auto r = mg::garbage::read_5374(files);
  for (const auto& p : r.problems)
    if (p.message.empty() || p.file.empty()) std::abort();
  using namespace std::chrono;
  for (const auto& area : r.calendar.areas) {
    if (area.collections.size() != r.calendar.categories.size()) std::abort();
    for (const auto& c : area.collections) {
      std::string text = mg::garbage::format_cell(c), error;
      auto again = mg::garbage::parse_cell(text, error);
      if (!again || mg::garbage::format_cell(*again) != text) std::abort();
    }
    for (int d = 0; d < 40; d += 3)
      mg::garbage::collected_on(r.calendar, area,
                                year_month_day{sys_days{2026y / December / 25} + days{d}});
  }
  return 0;
}
