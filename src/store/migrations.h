#pragma once
#include <string>
#include <vector>

#include "store/db.h"

namespace mg::store {

struct Migration {
  int version;
  std::string name;
  std::string sql;  // portable SQL; {{pk}} becomes the backend's auto-increment key
  // Run after sql on that backend only, each element as ONE statement (not split on ';'):
  // procedural code such as triggers, whose dialects differ.
  std::vector<std::string> sqlite = {};
  std::vector<std::string> postgres = {};
};

const std::vector<Migration>& migrations();

// Applies pending migrations in order, each in its own transaction, recorded in
// schema_migrations. Safe when several processes start at once (PostgreSQL advisory lock).
// Returns the number applied.
int migrate(Db& db);
int schema_version(Db& db);

}  // namespace mg::store
