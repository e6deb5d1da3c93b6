// store/dialect.h is the one place that knows which backend runs: its answers per backend,
// SQL written with them runs on both, and no code outside store/ asks backend() itself.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "store/dialect.h"
#include "test_db.h"

using namespace mg;

class DialectTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DialectTest, AnswersForItsBackend) {
  auto db = testdb::fresh_db(GetParam());
  bool sqlite = GetParam() == "sqlite";
  EXPECT_EQ(store::single_writer(*db), sqlite);
  EXPECT_STREQ(store::backend_name(db->backend()), sqlite ? "sqlite" : "postgresql");
  db->write([&](store::Tx& tx) {
    EXPECT_EQ(store::single_writer(tx), sqlite);
    EXPECT_STREQ(store::skip_locked(tx), sqlite ? "" : " FOR UPDATE SKIP LOCKED");
    EXPECT_STREQ(store::for_update(tx), sqlite ? "" : " FOR UPDATE");
    // A claim in the shape jobs and the outbox use runs on this backend.
    tx.exec("CREATE TABLE q (id BIGINT PRIMARY KEY, status TEXT NOT NULL)");
    tx.exec("INSERT INTO q VALUES (1, 'pending'), (2, 'pending')");
    auto claimed = tx.query(
        "UPDATE q SET status = 'running' WHERE id IN (SELECT id FROM q WHERE status = 'pending' "
        "ORDER BY id LIMIT 1" +
        std::string(store::skip_locked(tx)) + ") RETURNING id");
    ASSERT_EQ(claimed.size(), 1u);
    EXPECT_EQ(claimed[0].i64(0), 1);
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, DialectTest, ::testing::ValuesIn(testdb::backends()));

// Differences between the backends are dialect calls: a `Backend::` outside src/store/ is a
// branch that belongs in store/dialect.h.
TEST(Dialect, NoBackendBranchesOutsideStore) {
  namespace fs = std::filesystem;
  fs::path root = fs::path(MG_SOURCE_DIR) / "src";
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    std::string rel = fs::relative(e.path(), root).generic_string();
    if (rel.rfind("store/", 0) == 0) continue;
    std::ifstream in(e.path());
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      EXPECT_EQ(line.find("Backend::"), std::string::npos)
          << rel << ":" << n << ": use store/dialect.h instead: " << line;
    }
    ++files;
  }
  EXPECT_GT(files, 50);
}
