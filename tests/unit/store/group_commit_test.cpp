// Grouped writers (Db::write_grouped): on SQLite concurrent grouped writers share one COMMIT;
// each one's effects stay atomic, a member's failure is its own, a failed COMMIT fails every
// member, and plain writers still get their turn. On PostgreSQL write_grouped is write().
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "test_db.h"

using namespace mg;
using namespace std::chrono_literals;

class GroupCommitTest : public ::testing::TestWithParam<std::string> {};

// A booking-like rush: 8 threads take places of a capacity of 300 (800 tries), every 7th try
// fails after writing, and two plain writers write beside them. Nothing is lost, nothing is
// overbooked, failed tries leave nothing, and every plain write lands.
TEST_P(GroupCommitTest, ConcurrentGroupedWritersKeepEachTransactionAtomic) {
  auto db = testdb::fresh_db(GetParam());
  db->write([](store::Tx& tx) {
    tx.exec("CREATE TABLE slot (id BIGINT PRIMARY KEY, taken BIGINT NOT NULL)");
    tx.exec("CREATE TABLE place (id BIGINT PRIMARY KEY, who BIGINT NOT NULL)");
    tx.exec("CREATE TABLE plain_log (id BIGINT PRIMARY KEY)");
    tx.exec("INSERT INTO slot VALUES (1, 0)");
  });
  constexpr int kCapacity = 300;
  std::atomic<int> booked{0}, full{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        int64_t id = t * 1000 + i;
        try {
          bool ok = db->write_grouped([&](store::Tx& tx) {
            auto taken =
                tx.one(std::string("SELECT taken FROM slot WHERE id = 1") + store::for_update(tx))
                    ->i64(0);
            if (taken >= kCapacity) return false;
            tx.exec("UPDATE slot SET taken = taken + 1 WHERE id = 1");
            tx.exec("INSERT INTO place VALUES (?, ?)", {id, int64_t{t}});
            if (id % 7 == 0) throw std::runtime_error("member fails after writing");
            return true;
          });
          (ok ? booked : full)++;
        } catch (const std::runtime_error&) {
          failed++;
        }
      }
    });
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i)
        db->write([&](store::Tx& tx) {
          tx.exec("INSERT INTO plain_log VALUES (?)", {int64_t{t * 100 + i}});
        });
    });
  for (auto& th : threads) th.join();
  auto [taken, places, failed_rows, plain] = db->read([](store::Tx& tx) {
    return std::tuple{tx.one("SELECT taken FROM slot")->i64(0),
                      tx.one("SELECT COUNT(*) FROM place")->i64(0),
                      tx.one("SELECT COUNT(*) FROM place WHERE id % 7 = 0")->i64(0),
                      tx.one("SELECT COUNT(*) FROM plain_log")->i64(0)};
  });
  EXPECT_EQ(booked.load() + full.load() + failed.load(), 800);
  EXPECT_EQ(booked.load(), kCapacity);  // 800 tries, fewer than 800/7 fail: the slot fills up
  EXPECT_EQ(taken, kCapacity);
  EXPECT_EQ(places, kCapacity);
  EXPECT_EQ(failed_rows, 0);
  EXPECT_EQ(plain, 100);
}

// A member whose transaction fails leaves the group's other members committed.
TEST_P(GroupCommitTest, AFailingMemberRollsBackOnlyItself) {
  auto db = testdb::fresh_db(GetParam());
  db->write([](store::Tx& tx) { tx.exec("CREATE TABLE t (v BIGINT PRIMARY KEY)"); });
  std::promise<void> a_inside;
  auto a = std::async(std::launch::async, [&] {
    db->write_grouped([&](store::Tx& tx) {
      tx.exec("INSERT INTO t VALUES (1)");
      a_inside.set_value();
      std::this_thread::sleep_for(150ms);  // b queues up behind a meanwhile
    });
  });
  a_inside.get_future().wait();
  EXPECT_THROW(db->write_grouped([](store::Tx& tx) {
    tx.exec("INSERT INTO t VALUES (2)");
    throw std::runtime_error("b fails");
  }),
               std::runtime_error);
  a.get();
  db->write_grouped([](store::Tx& tx) { tx.exec("INSERT INTO t VALUES (3)"); });
  auto vs = db->read([](store::Tx& tx) {
    std::vector<int64_t> out;
    for (auto& r : tx.query("SELECT v FROM t ORDER BY v")) out.push_back(r.i64(0));
    return out;
  });
  EXPECT_EQ(vs, (std::vector<int64_t>{1, 3}));
}

// Runs `a` and then `b` as two grouped writers on two threads such that b is waiting for the
// writer connection when a finishes (a waits for b's "about to begin", then a moment more, well
// inside the group's 20 ms age limit). Returns a's outcome: "" or its exception's text.
template <typename A, typename B>
std::string run_pair(store::Db& db, A a_fn, B b_fn) {
  std::promise<void> a_inside;
  std::atomic<bool> b_coming{false};
  auto a = std::async(std::launch::async, [&]() -> std::string {
    try {
      db.write_grouped([&](store::Tx& tx) {
        a_fn(tx);
        a_inside.set_value();
        while (!b_coming) std::this_thread::yield();
        std::this_thread::sleep_for(3ms);  // b is now queued for the connection
      });
      return "";
    } catch (const std::exception& e) {
      return e.what();
    }
  });
  a_inside.get_future().wait();
  b_coming = true;
  b_fn();
  return a.get();
}

// SQLite only: the member that finds another waiting leaves the transaction open for it and
// returns only after the group's COMMIT, which the later member makes. (Scheduling may stall a
// thread past the group's age limit, which rightly closes the group early: a few tries.)
TEST(GroupCommitSqlite, AnEarlierMemberReturnsOnlyAfterTheGroupCommits) {
  auto db = testdb::fresh_db("sqlite");
  db->write([](store::Tx& tx) { tx.exec("CREATE TABLE t (v BIGINT)"); });
  int grouped = 0, attempts = 0;
  for (; attempts < 5 && grouped == 0; ++attempts) {
    std::atomic<bool> b_done{false};
    auto a_error = run_pair(
        *db, [](store::Tx& tx) { tx.exec("INSERT INTO t VALUES (1)"); },
        [&] {
          db->write_grouped([&](store::Tx& tx) {
            tx.exec("INSERT INTO t VALUES (2)");
            std::this_thread::sleep_for(50ms);
            b_done = true;  // before b's (the group's) COMMIT
          });
        });
    EXPECT_EQ(a_error, "");
    // run_pair returned after a returned; b_done then tells whether a waited for b.
    if (b_done.load()) grouped++;
  }
  EXPECT_EQ(grouped, 1);
  EXPECT_EQ(db->read([](store::Tx& tx) { return tx.one("SELECT COUNT(*) FROM t")->i64(0); }),
            2 * attempts);
}

// SQLite only: when the group's COMMIT fails (here a deferred foreign key one member broke),
// every member is told, and nothing of the group is kept.
TEST(GroupCommitSqlite, AFailedCommitFailsEveryMember) {
  auto db = testdb::fresh_db("sqlite");
  db->write([](store::Tx& tx) {
    tx.exec("CREATE TABLE p (id INTEGER PRIMARY KEY)");
    tx.exec("CREATE TABLE c (pid INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)");
    tx.exec("CREATE TABLE t (v BIGINT)");
  });
  auto count = [&] {
    return db->read([](store::Tx& tx) { return tx.one("SELECT COUNT(*) FROM t")->i64(0); });
  };
  bool both_failed = false;
  for (int attempt = 0; attempt < 5 && !both_failed; ++attempt) {
    int64_t before = count();
    bool b_failed = false;
    auto a_error = run_pair(
        *db, [](store::Tx& tx) { tx.exec("INSERT INTO t VALUES (1)"); },
        [&] {
          try {
            db->write_grouped([](store::Tx& tx) { tx.exec("INSERT INTO c VALUES (999)"); });
          } catch (const std::runtime_error&) {
            b_failed = true;
          }
        });
    EXPECT_TRUE(b_failed);  // b's own COMMIT (alone or as the group's) always fails
    // a's row is kept exactly when a was told it committed.
    EXPECT_EQ(count(), before + (a_error.empty() ? 1 : 0));
    both_failed = !a_error.empty();
  }
  EXPECT_TRUE(both_failed);
  // The connection is usable afterwards, by grouped and plain writers alike.
  int64_t before = count();
  db->write_grouped([](store::Tx& tx) { tx.exec("INSERT INTO t VALUES (2)"); });
  db->write([](store::Tx& tx) { tx.exec("INSERT INTO t VALUES (3)"); });
  EXPECT_EQ(count(), before + 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, GroupCommitTest, ::testing::ValuesIn(testdb::backends()));
