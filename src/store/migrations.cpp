#include "store/migrations.h"

#include <stdexcept>

#include "core/clock.h"
#include "core/log.h"

namespace mg::store {

namespace {

std::string render(const std::string& sql, Backend b) {
  std::string out = sql;
  const std::string token = "{{pk}}";
  const std::string pk =
      b == Backend::sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY";
  for (auto pos = out.find(token); pos != std::string::npos; pos = out.find(token, pos))
    out.replace(pos, token.size(), pk);
  return out;
}

// Splits on ';'; procedural code (triggers) goes in the per-backend lists, unsplit.
std::vector<std::string> statements(const std::string& sql) {
  std::vector<std::string> out;
  std::string cur;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] == ';') {
      if (cur.find_first_not_of(" \n\t") != std::string::npos) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(sql[i]);
    }
  }
  if (cur.find_first_not_of(" \n\t") != std::string::npos) out.push_back(cur);
  return out;
}

}  // namespace

int schema_version(Db& db) {
  return static_cast<int>(db.read([](Tx& tx) {
    auto r = tx.one("SELECT COALESCE(MAX(version),0) FROM schema_migrations");
    return r ? r->i64(0) : 0;
  }));
}

int migrate(Db& db) {
  db.write([](Tx& tx) {
    tx.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT "
        "NULL, applied_at BIGINT NOT NULL)");
  });
  int applied = 0;
  for (const auto& m : migrations()) {
    bool done = db.write([&](Tx& tx) {
      if (tx.backend() == Backend::postgres)
        tx.exec("SELECT pg_advisory_xact_lock(7341)");  // one migrator at a time
      if (tx.one("SELECT 1 FROM schema_migrations WHERE version = ?", {int64_t{m.version}}))
        return false;
      for (const auto& st : statements(render(m.sql, tx.backend()))) tx.exec(st);
      for (const auto& st : tx.backend() == Backend::sqlite ? m.sqlite : m.postgres) tx.exec(st);
      tx.exec("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
              {int64_t{m.version}, m.name, clock::now_ms()});
      return true;
    });
    if (done) {
      ++applied;
      log::info("migration applied", {{"version", m.version}, {"name", m.name}});
    }
  }
  return applied;
}

}  // namespace mg::store
