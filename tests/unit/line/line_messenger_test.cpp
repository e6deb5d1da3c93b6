// The LINE channel's Messenger: a channel-neutral message becomes one push row in line_outbox;
// a site link becomes a URL under the public address; a blocked resident gets nothing.
#include "channels/line/line_messenger.h"

#include <gtest/gtest.h>

#include "../store/test_db.h"
#include "core/json_parse.h"
#include "residents/directory.h"
#include "services/catalog.h"

using namespace mg;

namespace {

messaging::Message notice(const std::string& link = "") {
  messaging::Message m;
  m.kind = "notice";
  m.title = "お知らせ";
  m.text = "受付番号 A（手続き）の状態が「完了」になりました。";
  m.link = link;
  return m;
}

}  // namespace

TEST(LineMessenger, PushesTheTextAndALinkUnderThePublicAddress) {
  auto db = testdb::fresh_db("sqlite");
  services::Catalog catalog(*db);
  applications::ChatService chat(*db, catalog, 60000);
  line::LineMessenger plain(chat, "");
  line::LineMessenger linked(chat, "https://city.example/");
  db->write([&](store::Tx& tx) {
    int64_t t = tx.insert_id(
        "INSERT INTO tenants(code, name, created_at) VALUES ('a', 'a', 0) RETURNING id");
    auto r = residents::find_or_create(tx, t, "line", "U1");
    auto b = residents::find_or_create(tx, t, "line", "U2");
    messaging::Recipient to{t, r.id, "line", "U1", "active"};
    plain.enqueue(tx, to, notice("/t/a/my"));
    linked.enqueue(tx, to, notice("/t/a/my"));
    linked.enqueue(tx, {t, b.id, "line", "U2", "blocked"}, notice());
    auto rows = tx.query("SELECT user_id, messages FROM line_outbox ORDER BY id");
    ASSERT_EQ(rows.size(), 2u);  // none for the blocked resident
    for (const auto& row : rows) EXPECT_EQ(row.str(0), "U1");
    auto first = parse_stored_json(rows[0].str(1));
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0]["text"], notice().text);  // no public address: no link
    auto second = parse_stored_json(rows[1].str(1));
    EXPECT_EQ(second[0]["text"], notice().text + "\nhttps://city.example/t/a/my");
  });
}
