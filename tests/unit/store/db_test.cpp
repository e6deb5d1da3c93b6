#include <gtest/gtest.h>

#include <thread>

#include "store/postgres_db.h"
#include "test_db.h"

using namespace mg;

class DbTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DbTest, TypedBindingRoundTrips) {
  auto db = testdb::fresh_db(GetParam());
  db->write([](store::Tx& tx) {
    tx.exec("CREATE TABLE t (id BIGINT, name TEXT, score DOUBLE PRECISION, note TEXT)");
    tx.exec("INSERT INTO t VALUES (?, ?, ?, ?)",
            {int64_t{9007199254740993}, std::string("山田 'quoted' ?"), 1.5, nullptr});
  });
  auto row = db->read([](store::Tx& tx) { return tx.one("SELECT id, name, score, note FROM t"); });
  ASSERT_TRUE(row);
  EXPECT_EQ(row->i64(0), 9007199254740993);
  EXPECT_EQ(row->str(1), "山田 'quoted' ?");
  EXPECT_DOUBLE_EQ(row->f64(2), 1.5);
  EXPECT_TRUE(row->is_null(3));
  EXPECT_EQ(row->str("name"), "山田 'quoted' ?");
}

TEST_P(DbTest, RollbackWhenNotCommitted) {
  auto db = testdb::fresh_db(GetParam());
  db->write([](store::Tx& tx) { tx.exec("CREATE TABLE t (v BIGINT)"); });
  EXPECT_THROW(db->write([](store::Tx& tx) {
    tx.exec("INSERT INTO t VALUES (1)");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(db->read([](store::Tx& tx) { return tx.one("SELECT COUNT(*) FROM t")->i64(0); }), 0);
}

TEST_P(DbTest, UniqueViolationIsTyped) {
  auto db = testdb::fresh_db(GetParam());
  db->write([](store::Tx& tx) { tx.exec("CREATE TABLE t (v BIGINT PRIMARY KEY)"); });
  db->write([](store::Tx& tx) { tx.exec("INSERT INTO t VALUES (1)"); });
  EXPECT_THROW(db->write([](store::Tx& tx) { tx.exec("INSERT INTO t VALUES (1)"); }),
               store::UniqueViolation);
}

TEST_P(DbTest, StreamsLargeResultsRowByRow) {
  auto db = testdb::fresh_db(GetParam());
  db->write([](store::Tx& tx) {
    tx.exec("CREATE TABLE t (v BIGINT)");
    for (int64_t i = 0; i < 5000; ++i) tx.exec("INSERT INTO t VALUES (?)", {i});
  });
  int64_t sum = 0, seen = 0;
  db->read([&](store::Tx& tx) {
    tx.each("SELECT v FROM t ORDER BY v", {}, [&](const store::Row& r) {
      sum += r.i64(0);
      return ++seen < 4000;  // stopping early must leave the connection usable
    });
    EXPECT_EQ(tx.one("SELECT COUNT(*) FROM t")->i64(0), 5000);
  });
  EXPECT_EQ(seen, 4000);
  EXPECT_EQ(sum, 3999 * 4000 / 2);
}

TEST_P(DbTest, ConcurrentWritersNeverFailAndNeverLoseUpdates) {
  auto db = testdb::fresh_db(GetParam());
  db->write([](store::Tx& tx) {
    tx.exec("CREATE TABLE c (id BIGINT PRIMARY KEY, n BIGINT)");
    tx.exec("INSERT INTO c VALUES (1, 0)");
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i)
        db->write([](store::Tx& tx) {
          auto n =
              tx.one(std::string("SELECT n FROM c WHERE id = 1") + store::for_update(tx))->i64(0);
          tx.exec("UPDATE c SET n = ? WHERE id = 1", {n + 1});
        });
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(db->read([](store::Tx& tx) { return tx.one("SELECT n FROM c")->i64(0); }), 400);
}

TEST_P(DbTest, MigrationsAreIdempotent) {
  auto url = testdb::fresh_url(GetParam());
  auto db = store::open(url, 2);
  int first = store::migrate(*db);
  EXPECT_EQ(first, static_cast<int>(store::migrations().size()));
  EXPECT_EQ(store::migrate(*db), 0);
  EXPECT_EQ(store::schema_version(*db), store::migrations().back().version);
}

// One connection, so every transaction below reuses the connection the previous one left:
// BEGIN sent with the first statement, a read-only COMMIT whose reply is read later, and a
// first statement that fails must all leave it usable and the data right.
TEST_P(DbTest, OneConnectionSurvivesDeferredBeginAndCommit) {
  auto db = store::open(testdb::fresh_url(GetParam()), 1);
  db->write([](store::Tx& tx) { tx.exec("CREATE TABLE t (v BIGINT PRIMARY KEY)"); });
  db->write([](store::Tx& tx) { tx.exec("INSERT INTO t VALUES (1)"); });
  for (int i = 0; i < 3; ++i)  // read-only transactions back to back
    EXPECT_EQ(db->read([](store::Tx& tx) { return tx.one("SELECT COUNT(*) FROM t")->i64(0); }), 1);
  // The failing statement is the transaction's first: it went out together with BEGIN.
  EXPECT_THROW(db->write([](store::Tx& tx) { tx.exec("INSERT INTO t VALUES (1)"); }),
               store::UniqueViolation);
  EXPECT_THROW(db->read([](store::Tx& tx) { tx.exec("SELECT no_such_column FROM t"); }),
               std::runtime_error);
  // A transaction that asks nothing opens none.
  db->write([](store::Tx&) {});
  db->read([](store::Tx&) {});
  // Rolled back after its first statement: nothing of it stays.
  EXPECT_THROW(db->write([](store::Tx& tx) {
    tx.exec("INSERT INTO t VALUES (2)");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  db->write([](store::Tx& tx) {
    tx.exec("INSERT INTO t VALUES (3)");
    tx.exec("INSERT INTO t VALUES (4)");
  });
  EXPECT_EQ(db->read([](store::Tx& tx) { return tx.one("SELECT SUM(v) FROM t")->i64(0); }), 8);
  // A read-only transaction stays read-only though BEGIN now travels with its first statement
  // (PostgreSQL; SQLite's read transactions are read-only by convention only).
  if (GetParam() == "postgres") {
    EXPECT_THROW(db->read([](store::Tx& tx) { tx.exec("INSERT INTO t VALUES (5)"); }),
                 std::runtime_error);
  }
}

// The chat turn's cost on PostgreSQL is mostly round trips: BEGIN goes with the first
// statement, a read-only COMMIT is not waited for, an empty transaction costs none.
TEST_P(DbTest, RoundTripsPerTransaction) {
  if (GetParam() != "postgres") GTEST_SKIP() << "round trips are a PostgreSQL matter";
  auto db = store::open(testdb::fresh_url(GetParam()), 1);
  db->write([](store::Tx& tx) { tx.exec("CREATE TABLE t (v BIGINT)"); });
  auto write2 = [&] {
    db->write([](store::Tx& tx) {
      tx.exec("INSERT INTO t VALUES (?)", {int64_t{1}});
      tx.one("SELECT COUNT(*) FROM t");
    });
  };
  auto read1 = [&] { db->read([](store::Tx& tx) { tx.one("SELECT COUNT(*) FROM t"); }); };
  write2();  // statements are prepared once per connection: not counted below
  read1();
  auto before = store::postgres_round_trips(*db);
  write2();
  EXPECT_EQ(store::postgres_round_trips(*db) - before, 3);  // BEGIN+INSERT, SELECT, COMMIT
  before = store::postgres_round_trips(*db);
  read1();
  EXPECT_EQ(store::postgres_round_trips(*db) - before, 1);  // BEGIN READ ONLY+SELECT
  before = store::postgres_round_trips(*db);
  db->read([](store::Tx&) {});
  EXPECT_EQ(store::postgres_round_trips(*db) - before, 0);
  EXPECT_EQ(db->read([](store::Tx& tx) { return tx.one("SELECT COUNT(*) FROM t")->i64(0); }), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, DbTest, ::testing::ValuesIn(testdb::backends()));

TEST(Placeholders, RewritesQuestionMarksOutsideQuotes) {
  EXPECT_EQ(store::to_dollar_params("SELECT ? , '?' , \"a?\" , ?"),
            "SELECT $1 , '?' , \"a?\" , $2");
}
