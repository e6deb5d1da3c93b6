#pragma once
// The 5374 files read into a GarbageCalendar. Pure (no I/O, no database) so it can be fuzzed.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "garbage/model.h"

namespace mg::garbage {

struct ReadResult {
  GarbageCalendar calendar;       // every good row and cell; bad cells left empty
  std::vector<Problem> problems;  // each bad cell, in file order
};

// Files by name (area_days.csv required; center.csv, description.csv, remarks.csv,
// target.csv optional), raw bytes in UTF-8 (BOM or not) or Shift_JIS (CP932).
ReadResult read_5374(const std::map<std::string, std::string>& files);

// One area_days.csv cell ("月 木", "水2 水4", "火2 金4:4 6 8 10 12 2", "20140301", "隔月20150112",
// "木*1"). Full-width digits, spaces and colons are accepted. nullopt with a Japanese reason.
std::optional<Collection> parse_cell(std::string_view cell, std::string& error);

// The cell as 5374 writes it again (for storing and showing).
std::string format_cell(const Collection& c);

}  // namespace mg::garbage
