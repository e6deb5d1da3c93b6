#pragma once
// An online copy of a SQLite database that a running server keeps writing to.
#include <cstdint>
#include <map>
#include <string>

namespace mg::store {

struct SqliteCopy {
  int64_t pages = 0;
  int schema_version = 0;                 // highest applied migration, 0 without any
  std::map<std::string, int64_t> counts;  // rows per table, for the manifest
};

// Copies `source` to `dest` (a new file) through SQLite's backup API, `pages_per_step` pages at
// a time. The copy is one snapshot: a read transaction stays open on the source for the whole
// copy (in WAL mode it blocks no writer), so steps never restart when the server commits.
// The copy is left in rollback-journal mode: one self-contained file.
SqliteCopy copy_sqlite_online(const std::string& source, const std::string& dest,
                              int pages_per_step = 256);

}  // namespace mg::store
