#include "messaging/web_inbox.h"

#include <gtest/gtest.h>

#include <vector>

#include "../store/test_db.h"
#include "core/clock.h"
#include "residents/directory.h"

using namespace mg;

namespace {

int64_t make_tenant(store::Tx& tx, const std::string& code) {
  return tx.insert_id("INSERT INTO tenants(code, name, created_at) VALUES (?, ?, 0) RETURNING id",
                      {code, code});
}

int64_t web_resident(store::Tx& tx, int64_t tenant, const std::string& device) {
  return residents::find_or_create(tx, tenant, "web", device).id;
}

void set_district(store::Tx& tx, int64_t tenant, int64_t resident, const std::string& d) {
  tx.exec(
      "INSERT INTO resident_attributes(tenant_id, resident_id, attr_key, text_value, updated_at) "
      "VALUES (?, ?, 'district', ?, 0)",
      {tenant, resident, d});
}

messaging::Message notice(const std::string& text) {
  messaging::Message m;
  m.kind = "notice";
  m.title = "お知らせ";
  m.text = text;
  m.link = "/t/a/my";
  return m;
}

// A channel that records what it was asked to deliver.
struct RecordingMessenger : messaging::Messenger {
  std::vector<std::pair<messaging::Recipient, std::string>> sent;
  void enqueue(store::Tx&, const messaging::Recipient& to, const messaging::Message& m) override {
    sent.emplace_back(to, m.text);
  }
};

int64_t count_messages(store::Tx& tx, int64_t resident) {
  return tx.one("SELECT COUNT(*) FROM resident_messages WHERE resident_id = ?", {resident})->i64(0);
}

}  // namespace

class WebInboxTest : public ::testing::TestWithParam<std::string> {};

TEST_P(WebInboxTest, DeliverToWebReachesOnlyTheTenantsActiveWebResidentsMatchingTheFilter) {
  auto db = testdb::fresh_db(GetParam());
  db->write([](store::Tx& tx) {
    int64_t a = make_tenant(tx, "a"), b = make_tenant(tx, "b");
    int64_t north1 = web_resident(tx, a, "d1"), north2 = web_resident(tx, a, "d2");
    int64_t south = web_resident(tx, a, "d3");
    int64_t blocked = web_resident(tx, a, "d4");
    int64_t line = residents::find_or_create(tx, a, "line", "U1").id;
    int64_t other_tenant = web_resident(tx, b, "d5");
    for (int64_t r : {north1, north2, blocked, line}) set_district(tx, a, r, "north");
    set_district(tx, a, south, "south");
    set_district(tx, b, other_tenant, "north");
    residents::set_status(tx, a, blocked, "blocked");

    int64_t made = messaging::deliver_to_web(
        tx, a,
        "EXISTS (SELECT 1 FROM resident_attributes ra WHERE ra.tenant_id = r.tenant_id AND "
        "ra.resident_id = r.id AND ra.attr_key = ? AND ra.text_value = ?)",
        {std::string("district"), std::string("north")}, notice("北地区の皆さまへ"));
    EXPECT_EQ(made, 2);
    EXPECT_EQ(count_messages(tx, north1), 1);
    EXPECT_EQ(count_messages(tx, north2), 1);
    for (int64_t r : {south, blocked, line, other_tenant}) EXPECT_EQ(count_messages(tx, r), 0);
    // No filter: every active web resident of the tenant.
    EXPECT_EQ(messaging::deliver_to_web(tx, a, "", {}, notice("全員へ")), 3);
    auto page = messaging::inbox_page(tx, a, north1, std::nullopt, 20);
    ASSERT_EQ(page["items"].size(), 2u);
    EXPECT_EQ(page["items"][0]["text"], "全員へ");  // newest first
    EXPECT_EQ(page["items"][1]["link"], "/t/a/my");
    EXPECT_EQ(page["unread"], 2);
    // Another tenant's id for the same resident finds nothing.
    EXPECT_EQ(messaging::inbox_page(tx, b, north1, std::nullopt, 20)["items"].size(), 0u);
  });
}

TEST_P(WebInboxTest, PagesAreBoundedAndMarkingReadTouchesOnlyTheResidentsOwn) {
  auto db = testdb::fresh_db(GetParam());
  db->write([](store::Tx& tx) {
    int64_t a = make_tenant(tx, "a");
    int64_t me = web_resident(tx, a, "d1"), other = web_resident(tx, a, "d2");
    messaging::WebInbox inbox;
    for (int i = 0; i < 5; ++i)
      inbox.enqueue(tx, {a, me, "web", "d1", "active"}, notice("m" + std::to_string(i)));
    inbox.enqueue(tx, {a, other, "web", "d2", "active"}, notice("theirs"));
    auto first = messaging::inbox_page(tx, a, me, std::nullopt, 2);
    ASSERT_EQ(first["items"].size(), 2u);
    EXPECT_EQ(first["items"][0]["text"], "m4");
    ASSERT_TRUE(first["next_before"].is_number());
    auto second = messaging::inbox_page(tx, a, me, first["next_before"].get<int64_t>(), 50);
    ASSERT_EQ(second["items"].size(), 3u);
    EXPECT_EQ(second["items"][2]["text"], "m0");
    EXPECT_TRUE(second["next_before"].is_null());
    // Over the maximum is clamped.
    EXPECT_LE(messaging::inbox_page(tx, a, me, std::nullopt, 10000)["items"].size(),
              static_cast<std::size_t>(messaging::kInboxPageMax));

    int64_t theirs = messaging::inbox_page(tx, a, other, std::nullopt, 1)["items"][0]["id"];
    int64_t mine = first["items"][0]["id"];
    EXPECT_EQ(messaging::mark_read(tx, a, me, {mine, theirs}, 1), 1);
    EXPECT_EQ(messaging::unread_count(tx, a, me), 4);
    EXPECT_EQ(messaging::unread_count(tx, a, other), 1);
    EXPECT_EQ(messaging::mark_read(tx, a, me, {}, 2), 4);
    EXPECT_EQ(messaging::unread_count(tx, a, me), 0);
    EXPECT_EQ(messaging::unread_count(tx, a, other), 1);
    EXPECT_TRUE(messaging::inbox_page(tx, a, me, std::nullopt, 1)["items"][0]["read"]);
  });
}

TEST_P(WebInboxTest, DispatchPicksTheResidentsChannel) {
  auto db = testdb::fresh_db(GetParam());
  auto line = std::make_shared<RecordingMessenger>();
  messaging::Dispatch dispatch;
  dispatch.add("web", std::make_shared<messaging::WebInbox>());
  dispatch.add("line", line);
  db->write([&](store::Tx& tx) {
    int64_t a = make_tenant(tx, "a"), b = make_tenant(tx, "b");
    int64_t web = web_resident(tx, a, "d1");
    int64_t on_line = residents::find_or_create(tx, a, "line", "U1").id;
    EXPECT_TRUE(dispatch.send(tx, a, web, notice("web")));
    EXPECT_TRUE(dispatch.send(tx, a, on_line, notice("line")));
    EXPECT_EQ(count_messages(tx, web), 1);
    EXPECT_EQ(count_messages(tx, on_line), 0);
    ASSERT_EQ(line->sent.size(), 1u);
    EXPECT_EQ(line->sent[0].first.external_id, "U1");
    EXPECT_EQ(line->sent[0].second, "line");
    // A resident of another tenant, or none: nothing is sent.
    EXPECT_FALSE(dispatch.send(tx, b, web, notice("x")));
    EXPECT_FALSE(dispatch.send(tx, a, 999999, notice("x")));
    EXPECT_EQ(count_messages(tx, web), 1);
    // A channel nobody registered.
    int64_t mail = residents::find_or_create(tx, a, "mail", "m@example.com").id;
    EXPECT_FALSE(dispatch.send(tx, a, mail, notice("x")));
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, WebInboxTest, ::testing::ValuesIn(testdb::backends()));

TEST(MessageCheck, LinksStayInsideTheSite) {
  auto with_link = [](const std::string& link) {
    auto m = notice("x");
    m.link = link;
    return m;
  };
  EXPECT_NO_THROW(messaging::check(with_link("")));
  EXPECT_NO_THROW(messaging::check(with_link("/t/demo/my/correction/3")));
  for (const char* bad : {"//evil.example/x", "/\\evil.example", "https://evil.example/",
                          "javascript:alert(1)", "t/demo", "/t/demo\n/x"})
    EXPECT_THROW(messaging::check(with_link(bad)), std::invalid_argument) << bad;
  auto m = notice("x");
  m.kind = "Bad Kind";
  EXPECT_THROW(messaging::check(m), std::invalid_argument);
  m = notice("");
  EXPECT_THROW(messaging::check(m), std::invalid_argument);
  // Staff text may have Windows line ends.
  EXPECT_NO_THROW(messaging::check(notice("理由:\r\n組を確認")));
}
