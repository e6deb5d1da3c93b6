#include "store/sqlite_backup.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "store/sqlite_db.h"

namespace mg::store {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("mg_backup_" + std::to_string(::getpid()));
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

// Pairs of rows committed together while the copy steps one page at a time: the copy must be
// one snapshot (every pair whole, ids without gaps) and must finish, although every step sees
// new commits (a copy without its own snapshot restarts on each of them).
TEST(SqliteBackup, CopiesOneSnapshotWhileAnotherConnectionWrites) {
  TempDir dir;
  auto src = (dir.path / "src.db").string();
  auto db = open_sqlite(src, 1);
  db->write([](Tx& tx) {
    tx.exec("CREATE TABLE pairs (id INTEGER PRIMARY KEY, pair INTEGER NOT NULL, v TEXT NOT NULL)",
            {});
    for (int i = 0; i < 500; ++i) {
      tx.exec("INSERT INTO pairs (pair, v) VALUES (?, ?)", {int64_t{i}, std::string(400, 'x')});
      tx.exec("INSERT INTO pairs (pair, v) VALUES (?, ?)", {int64_t{i}, std::string(400, 'y')});
    }
    return 0;
  });
  std::atomic<bool> stop{false};
  std::atomic<int64_t> commits{0};
  std::thread writer([&] {
    for (int64_t i = 1000; !stop; ++i) {
      db->write([&](Tx& tx) {
        tx.exec("INSERT INTO pairs (pair, v) VALUES (?, ?)", {i, std::string(400, 'a')});
        tx.exec("INSERT INTO pairs (pair, v) VALUES (?, ?)", {i, std::string(400, 'b')});
        return 0;
      });
      commits++;
    }
  });
  while (commits < 5) std::this_thread::yield();
  auto dest = (dir.path / "copy.db").string();
  auto copying = std::async(std::launch::async, [&] { return copy_sqlite_online(src, dest, 1); });
  bool finished = copying.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  int64_t commits_at_end = commits;
  stop = true;
  writer.join();
  ASSERT_TRUE(finished) << "the copy kept restarting";
  auto copy = copying.get();
  EXPECT_GT(commits_at_end, 10) << "the writer was blocked during the copy";
  EXPECT_GT(copy.pages, 100);
  int64_t rows = copy.counts.at("pairs");
  EXPECT_GE(rows, 1000 + 2 * 5);
  EXPECT_EQ(rows % 2, 0);

  auto copied = open_sqlite(dest, 1);
  copied->read([&](Tx& tx) {
    auto r = tx.query(
        "SELECT count(*), max(id), count(DISTINCT pair), "
        "(SELECT count(*) FROM (SELECT pair FROM pairs GROUP BY pair HAVING count(*) <> 2)) "
        "FROM pairs",
        {});
    EXPECT_EQ(r[0].i64(0), rows);
    EXPECT_EQ(r[0].i64(1), rows);  // no gaps: nothing committed after the snapshot is in it
    EXPECT_EQ(r[0].i64(2), rows / 2);
    EXPECT_EQ(r[0].i64(3), 0);  // no half pair
    return 0;
  });
}

TEST(SqliteBackup, MissingSourceIsAnError) {
  TempDir dir;
  EXPECT_THROW(copy_sqlite_online((dir.path / "none.db").string(), (dir.path / "c.db").string()),
               std::runtime_error);
}

}  // namespace
}  // namespace mg::store
