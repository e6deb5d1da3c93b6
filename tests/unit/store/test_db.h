#pragma once
// Opens a fresh database for a test: SQLite in a temp file always; PostgreSQL when
// MG_PG_ADMIN_URL is set (./test starts a server), as a new database per call.
#include <libpq-fe.h>

#include <unistd.h>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/db.h"
#include "store/migrations.h"

namespace mg::testdb {

inline std::vector<std::string> backends() {
  std::vector<std::string> b{"sqlite"};
  if (std::getenv("MG_PG_ADMIN_URL")) b.push_back("postgres");
  return b;
}

inline std::string fresh_url(const std::string& backend) {
  static std::atomic<int> n{0};
  std::string name = "mgu_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
  // Process ids repeat (pid_max is often 32768 and a build spawns thousands), so a name can
  // be one an earlier run left behind: start from nothing, never from its data.
  if (backend == "sqlite") {
    auto dir = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return "sqlite:" + (dir / "t.db").string();
  }
  std::string admin = std::getenv("MG_PG_ADMIN_URL");
  PGconn* c = PQconnectdb(admin.c_str());
  PQclear(PQexec(c, ("DROP DATABASE IF EXISTS " + name).c_str()));
  PGresult* r = PQexec(c, ("CREATE DATABASE " + name).c_str());
  PQclear(r);
  PQfinish(c);
  return admin.substr(0, admin.rfind('/')) + "/" + name;
}

inline std::unique_ptr<store::Db> fresh_db(const std::string& backend) {
  auto db = store::open(fresh_url(backend), 8);
  store::migrate(*db);
  return db;
}

}  // namespace mg::testdb
