#include "garbage/service.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/clock.h"
#include "garbage/store.h"

namespace mg::garbage {

const std::vector<std::string>& known_files() {
  static const std::vector<std::string> files = {"area_days.csv", "center.csv", "description.csv",
                                                 "remarks.csv", "target.csv"};
  return files;
}

ImportOutcome import_files(store::Db& db, int64_t tenant_id,
                           const std::map<std::string, std::string>& files, bool skip_bad_cells,
                           std::optional<int64_t> staff_id) {
  auto read = read_5374(files);
  ImportOutcome out;
  out.problems = std::move(read.problems);
  out.areas = read.calendar.areas.size();
  out.categories = read.calendar.categories.size();
  out.items = read.calendar.items.size();
  if (read.calendar.areas.empty() || read.calendar.categories.empty()) return out;
  if (!out.problems.empty() && !skip_bad_cells) return out;
  db.write(
      [&](store::Tx& tx) { replace(tx, tenant_id, read.calendar, staff_id, clock::now_ms()); });
  out.imported = true;
  return out;
}

std::map<std::string, std::string> read_directory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> out;
  if (!fs::is_directory(dir)) throw std::runtime_error("not a directory: " + dir);
  for (const auto& name : known_files()) {
    fs::path p = fs::path(dir) / name;
    if (!fs::is_regular_file(p)) continue;
    if (fs::file_size(p) > kMaxFileBytes) throw std::runtime_error(name + " is too large");
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    out[name] = ss.str();
  }
  return out;
}

std::string describe(const Problem& p) {
  std::string where = p.file;
  if (p.row) where += " " + std::to_string(p.row) + " 行目";
  if (p.column) where += " " + std::to_string(p.column) + " 列目";
  return where + ": " + p.message;
}

Json problems_json(const std::vector<Problem>& problems) {
  Json out = Json::array();
  for (const auto& p : problems)
    out.push_back({{"file", p.file}, {"row", p.row}, {"column", p.column}, {"message", p.message}});
  return out;
}

}  // namespace mg::garbage
