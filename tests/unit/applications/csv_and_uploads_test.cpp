// CSV formula guard (security finding 11) and the clean-up of unclaimed uploads (finding 6),
// with the clock passed in.
#include <gtest/gtest.h>

#include "../store/test_db.h"
#include "applications/attachments.h"
#include "applications/inbox.h"

namespace mg::applications {
namespace {

TEST(CsvField, GuardsEveryFormulaStartOwaspLists) {
  EXPECT_EQ(csv_field("=1+1"), "'=1+1");
  EXPECT_EQ(csv_field("+1"), "'+1");
  EXPECT_EQ(csv_field("-1"), "'-1");
  EXPECT_EQ(csv_field("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_field("\t=1+1"), "'\t=1+1");
  EXPECT_EQ(csv_field("\tplain"), "'\tplain");  // TAB and CR are guarded on their own
  EXPECT_EQ(csv_field("\r=1+1"), "\"'\r=1+1\"");
  EXPECT_EQ(csv_field("\rplain"), "\"'\rplain\"");
}

TEST(CsvField, GuardsFormulasAfterLeadingBlanks) {
  EXPECT_EQ(csv_field(" =1+1"), "' =1+1");
  EXPECT_EQ(csv_field("   @x"), "'   @x");
  EXPECT_EQ(csv_field("\n-1"), "\"'\n-1\"");
  EXPECT_EQ(csv_field("\xE3\x80\x80+1"), "'\xE3\x80\x80+1");  // ideographic space
  EXPECT_EQ(csv_field(" \xE3\x80\x80 =A1"), "' \xE3\x80\x80 =A1");
}

TEST(CsvField, LeavesOrdinaryTextAlone) {
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("   "), "   ");
  EXPECT_EQ(csv_field("魚津 ゆい"), "魚津 ゆい");
  EXPECT_EQ(csv_field("a=1"), "a=1");
  EXPECT_EQ(csv_field(" 1-2"), " 1-2");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("=a,\"b\""), "\"'=a,\"\"b\"\"\"");
}

class Uploads : public ::testing::TestWithParam<std::string> {};

constexpr int64_t kHour = 3600 * 1000;

int64_t add_attachment(store::Db& db, int64_t tenant, int64_t resident, int64_t created,
                       std::optional<int64_t> claimed) {
  return db.write([&](store::Tx& tx) {
    return tx.insert_id(
        "INSERT INTO attachments(tenant_id, resident_id, filename, content_type, size, data_b64, "
        "created_at, claimed_at) VALUES (?, ?, 'p.png', 'image/png', 3, 'AAAA', ?, ?) RETURNING "
        "id",
        {tenant, resident, created, store::opt(claimed)});
  });
}

bool exists(store::Db& db, int64_t tenant, int64_t id) {
  return db.read([&](store::Tx& tx) { return load_attachment(tx, tenant, id).has_value(); });
}

TEST_P(Uploads, PurgeRemovesOnlyOldUnclaimedFiles) {
  auto db = testdb::fresh_db(GetParam());
  const int64_t now = 1'750'000'000'000;
  int64_t tenant = db->write([&](store::Tx& tx) {
    return tx.insert_id(
        "INSERT INTO tenants(code, name, created_at) VALUES ('t', 'T', 0) RETURNING id");
  });
  int64_t old_unclaimed = add_attachment(*db, tenant, 7, now - 25 * kHour, std::nullopt);
  int64_t old_claimed = add_attachment(*db, tenant, 7, now - 25 * kHour, now - 24 * kHour);
  int64_t fresh = add_attachment(*db, tenant, 7, now - 1 * kHour, std::nullopt);
  db->write([&](store::Tx& tx) {
    tx.exec("INSERT INTO upload_quotas VALUES (?, 'device:7', '2020-01-01', 1, 3)", {tenant});
  });

  EXPECT_EQ(purge_unclaimed(*db, now, 24 * kHour), 1);
  EXPECT_FALSE(exists(*db, tenant, old_unclaimed));
  EXPECT_TRUE(exists(*db, tenant, old_claimed));
  EXPECT_TRUE(exists(*db, tenant, fresh));
  EXPECT_FALSE(db->read([&](store::Tx& tx) {
    return tx.one("SELECT 1 FROM upload_quotas WHERE tenant_id = ?", {tenant}).has_value();
  }));

  // The same file a day later, once an application claimed it, stays.
  db->write([&](store::Tx& tx) {
    claim_attachments(tx, tenant, 7,
                      Json::array({{{"step_id", "photo"}, {"value", {{"attachment_id", fresh}}}}}));
  });
  EXPECT_EQ(purge_unclaimed(*db, now + 48 * kHour, 24 * kHour), 0);
  EXPECT_TRUE(exists(*db, tenant, fresh));
}

TEST_P(Uploads, ClaimingTakesOnlyTheResidentsOwnFiles) {
  auto db = testdb::fresh_db(GetParam());
  const int64_t now = 1'750'000'000'000;
  int64_t tenant = db->write([&](store::Tx& tx) {
    return tx.insert_id(
        "INSERT INTO tenants(code, name, created_at) VALUES ('t', 'T', 0) RETURNING id");
  });
  int64_t someone_elses = add_attachment(*db, tenant, 8, now, std::nullopt);
  db->write([&](store::Tx& tx) {
    claim_attachments(tx, tenant, 7,
                      Json::array({{{"value", {{"attachment_id", someone_elses}}}}}));
  });
  EXPECT_EQ(purge_unclaimed(*db, now + 25 * kHour, 24 * kHour), 1);
  EXPECT_FALSE(exists(*db, tenant, someone_elses));
}

INSTANTIATE_TEST_SUITE_P(Backends, Uploads, ::testing::ValuesIn(testdb::backends()));

}  // namespace
}  // namespace mg::applications
