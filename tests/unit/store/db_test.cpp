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

INSTANTIATE_TEST_SUITE_P(Backends, DbTest, ::testing::ValuesIn(testdb::backends()));

TEST(Placeholders, RewritesQuestionMarksOutsideQuotes) {
  EXPECT_EQ(store::to_dollar_params("SELECT ? , '?' , \"a?\" , ?"),
            "SELECT $1 , '?' , \"a?\" , $2");
}
