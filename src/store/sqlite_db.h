#pragma once
#include <memory>
#include <string>

#include "store/db.h"

namespace mg::store {

// WAL mode, busy timeout, foreign keys on. Exactly one writer connection guarded by a mutex
// (so writes queue instead of failing with "database is locked"); readers use a pool.
std::unique_ptr<Db> open_sqlite(const std::string& path, int readers);

}  // namespace mg::store
