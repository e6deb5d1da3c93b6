#pragma once
// Importing a 5374 calendar and answering what is collected when.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "garbage/format_5374.h"
#include "store/db.h"

namespace mg::garbage {

// Files a 5374 directory may hold; others are ignored.
const std::vector<std::string>& known_files();

struct ImportOutcome {
  bool imported = false;  // false: problems found and the caller did not allow skipping
  std::size_t areas = 0, categories = 0, items = 0;
  std::vector<Problem> problems;
};

// Reads (outside any transaction), then replaces the tenant's calendar in one short write.
// With problems, nothing is written unless skip_bad_cells (bad cells and rows are left out).
ImportOutcome import_files(store::Db& db, int64_t tenant_id,
                           const std::map<std::string, std::string>& files, bool skip_bad_cells,
                           std::optional<int64_t> staff_id);

// Reads the known files of a directory (each at most kMaxFileBytes).
std::map<std::string, std::string> read_directory(const std::string& dir);
inline constexpr std::size_t kMaxFileBytes = 8 * 1024 * 1024;

Json problems_json(const std::vector<Problem>& problems);
std::string describe(const Problem& p);  // "area_days.csv 3 行目 4 列目: …"

}  // namespace mg::garbage
