#pragma once
// `madoguchi backup` and `madoguchi restore`: a SQLite data directory copied while the server
// runs (the database through SQLite's backup API, then the directory's other files such as the
// secret key), with a manifest of sizes and SHA-256 sums that restore verifies.
#include <string>
#include <vector>

namespace mg::app {

// Exit codes: 0 done, 1 failed, 2 usage (or PostgreSQL, which pg_dump backs up).
int backup_cmd(const std::vector<std::string>& args);
int restore_cmd(const std::vector<std::string>& args);

}  // namespace mg::app
