#include "store/sqlite_backup.h"

#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

namespace mg::store {

namespace {

struct Handle {
  sqlite3* db = nullptr;
  Handle(const std::string& path, int flags) {
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
      std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close(db);
      db = nullptr;
      throw std::runtime_error("cannot open SQLite database " + path + ": " + msg);
    }
    sqlite3_busy_timeout(db, 10000);
  }
  ~Handle() { sqlite3_close(db); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errmsg(db);
      sqlite3_free(err);
      throw std::runtime_error("sqlite: " + msg);
    }
  }
  // Calls fn for each row's first column as int64 (or text through names).
  template <class Fn>
  void rows(const std::string& sql, Fn fn) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("sqlite prepare: ") + sqlite3_errmsg(db));
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(st, sqlite3_finalize);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) fn(st);
    if (rc != SQLITE_DONE) throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db));
  }
};

std::string quoted(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

SqliteCopy copy_sqlite_online(const std::string& source, const std::string& dest,
                              int pages_per_step) {
  Handle src(source, SQLITE_OPEN_READONLY);
  Handle out(dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  // The snapshot: every step reads the same committed state, whatever the server writes.
  src.exec("BEGIN");
  src.rows("SELECT count(*) FROM sqlite_master", [](sqlite3_stmt*) {});

  sqlite3_backup* b = sqlite3_backup_init(out.db, "main", src.db, "main");
  if (!b) throw std::runtime_error(std::string("sqlite backup: ") + sqlite3_errmsg(out.db));
  int rc;
  while ((rc = sqlite3_backup_step(b, pages_per_step)) == SQLITE_OK || rc == SQLITE_BUSY ||
         rc == SQLITE_LOCKED) {
    // A short pause between chunks leaves the disk to the server.
    std::this_thread::sleep_for(std::chrono::milliseconds(rc == SQLITE_OK ? 1 : 20));
  }
  SqliteCopy copy;
  copy.pages = sqlite3_backup_pagecount(b);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE)
    throw std::runtime_error(std::string("sqlite backup: ") + sqlite3_errstr(rc));
  src.exec("COMMIT");

  out.exec("PRAGMA journal_mode=DELETE");
  bool has_migrations = false;
  std::vector<std::string> tables;
  out.rows(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
      "ORDER BY name",
      [&](sqlite3_stmt* st) {
        std::string name = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        if (name == "schema_migrations") has_migrations = true;
        tables.push_back(name);
      });
  for (const auto& t : tables)
    out.rows("SELECT count(*) FROM " + quoted(t),
             [&](sqlite3_stmt* st) { copy.counts[t] = sqlite3_column_int64(st, 0); });
  if (has_migrations)
    out.rows("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [&](sqlite3_stmt* st) {
      copy.schema_version = static_cast<int>(sqlite3_column_int64(st, 0));
    });
  out.rows("PRAGMA quick_check", [&](sqlite3_stmt* st) {
    std::string r = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    if (r != "ok") throw std::runtime_error("the copy fails its integrity check: " + r);
  });
  return copy;
}

}  // namespace mg::store
