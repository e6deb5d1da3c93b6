#include "delivery/fanout.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include "../store/test_db.h"
#include "channels/line/multicast.h"
#include "channels/line/outbox.h"
#include "channels/line/pacing.h"
#include "core/clock.h"
#include "core/errors.h"
#include "delivery/campaigns.h"
#include "delivery/retention.h"
#include "delivery/routes.h"
#include "residents/store.h"

using namespace mg;

namespace {

std::string user_id(int n) {
  char b[40];
  std::snprintf(b, sizeof b, "U%032x", n);
  return b;
}

struct Town {
  std::unique_ptr<store::Db> db;
  int64_t tenant = 0, other = 0;
  std::vector<int64_t> line_ids;  // active LINE residents of `tenant`, in id order
};

// `line` active LINE residents, interleaved with web, blocked and other-tenant residents the
// fan-out must skip.
Town town(const std::string& backend, int line) {
  Town t;
  t.db = testdb::fresh_db(backend);
  t.db->write([&](store::Tx& tx) {
    t.tenant = tx.insert_id(
        "INSERT INTO tenants(code, name, created_at) VALUES ('t', 'T', 0) RETURNING id");
    t.other = tx.insert_id(
        "INSERT INTO tenants(code, name, created_at) VALUES ('o', 'O', 0) RETURNING id");
    auto add = [&](int64_t tenant, const std::string& ch, const std::string& ext,
                   const std::string& status) {
      return tx.insert_id(
          "INSERT INTO residents(tenant_id, channel, external_id, status, created_at, "
          "updated_at) VALUES (?, ?, ?, ?, 0, 0) RETURNING id",
          {tenant, ch, ext, status});
    };
    for (int i = 0; i < line; ++i) {
      t.line_ids.push_back(add(t.tenant, "line", user_id(i), "active"));
      if (i % 100 == 0) {
        add(t.tenant, "web", "dev-" + std::to_string(i), "active");
        add(t.tenant, "line", user_id(1000000 + i), "blocked");
        add(t.other, "line", user_id(2000000 + i), "active");
      }
    }
  });
  return t;
}

int64_t new_campaign(Town& t, Json audience = {{"kind", "all"}}) {
  return t.db->write([&](store::Tx& tx) {
    delivery::Campaign c;
    c.tenant_id = t.tenant;
    c.title = "お知らせ";
    c.messages = Json::array({{{"type", "text"}, {"text", "こんにちは"}}});
    c.audience = audience;
    int64_t id = delivery::create(tx, c);
    EXPECT_TRUE(delivery::queue(tx, t.tenant, id));
    return id;
  });
}

struct Batch {
  int64_t id;
  std::vector<std::string> to;
  std::string retry_key, status;
};

std::vector<Batch> batches(Town& t, int64_t campaign) {
  return t.db->read([&](store::Tx& tx) {
    std::vector<Batch> out;
    for (const auto& r : tx.query(
             "SELECT id, recipients, recipient_count, retry_key, status, user_id FROM line_outbox "
             "WHERE campaign_id = ? ORDER BY id",
             {campaign})) {
      Batch b{r.i64(0), {}, r.str(3), r.str(4)};
      std::stringstream ss(r.str(1));
      for (std::string u; std::getline(ss, u, ',');) b.to.push_back(u);
      EXPECT_EQ(static_cast<int64_t>(b.to.size()), r.i64(2));
      EXPECT_EQ(r.str(5), "");
      out.push_back(std::move(b));
    }
    return out;
  });
}

// Every active LINE resident of the tenant exactly once, nobody else.
void expect_each_once(Town& t, const std::vector<Batch>& bs) {
  std::map<std::string, int> seen;
  for (const auto& b : bs)
    for (const auto& u : b.to) seen[u]++;
  EXPECT_EQ(seen.size(), t.line_ids.size());
  for (size_t i = 0; i < t.line_ids.size(); ++i) EXPECT_EQ(seen[user_id(static_cast<int>(i))], 1);
}

delivery::Campaign load(Town& t, int64_t id) {
  return *t.db->read([&](store::Tx& tx) { return delivery::find(tx, t.tenant, id); });
}

}  // namespace

class FanoutTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FanoutTest, StepsWriteBatchesOf500ThenTheRemainder) {
  auto t = town(GetParam(), 1234);
  int64_t id = new_campaign(t);
  EXPECT_EQ(load(t, id).targeted, 1234);
  EXPECT_EQ(load(t, id).status, "queued");
  std::vector<int64_t> sizes;
  std::vector<int64_t> cursors;
  for (;;) {
    auto s = t.db->write([&](store::Tx& tx) { return delivery::fanout_step(tx, t.tenant, id); });
    sizes.push_back(s.recipients);
    cursors.push_back(load(t, id).cursor);
    if (s.done) break;
  }
  EXPECT_EQ(sizes, (std::vector<int64_t>{500, 500, 234}));
  EXPECT_EQ(cursors, (std::vector<int64_t>{t.line_ids[499], t.line_ids[999], t.line_ids[1233]}));
  auto bs = batches(t, id);
  ASSERT_EQ(bs.size(), 3u);
  std::set<std::string> keys;
  for (const auto& b : bs) keys.insert(b.retry_key);
  EXPECT_EQ(keys.size(), 3u);  // one retry key per batch
  expect_each_once(t, bs);
  auto c = load(t, id);
  EXPECT_EQ(c.status, "sending");
  EXPECT_TRUE(c.fanout_done);
  EXPECT_EQ(c.queued, 1234);
  EXPECT_EQ(c.batches, 3);
  // Done: further steps write nothing.
  auto again = t.db->write([&](store::Tx& tx) { return delivery::fanout_step(tx, t.tenant, id); });
  EXPECT_EQ(again.recipients, 0);
  EXPECT_EQ(batches(t, id).size(), 3u);
  // No job row per resident: the one fan-out job only.
  EXPECT_EQ(t.db->read([](store::Tx& tx) { return tx.one("SELECT COUNT(*) FROM jobs")->i64(0); }),
            1);
}

TEST_P(FanoutTest, WebResidentsGetTheCampaignInTheirInboxOnceEach) {
  auto t = town(GetParam(), 1234);
  // Web residents after the last LINE resident (only the last step's open range reaches them),
  // a blocked one and another tenant's, who must get nothing.
  std::vector<int64_t> web = t.db->read([&](store::Tx& tx) {
    std::vector<int64_t> ids;
    for (const auto& r :
         tx.query("SELECT id FROM residents WHERE tenant_id = ? AND channel = 'web' ORDER BY id",
                  {t.tenant}))
      ids.push_back(r.i64(0));
    return ids;
  });
  t.db->write([&](store::Tx& tx) {
    for (const char* dev : {"late-1", "late-2"})
      web.push_back(tx.insert_id(
          "INSERT INTO residents(tenant_id, channel, external_id, status, created_at, updated_at) "
          "VALUES (?, 'web', ?, 'active', 0, 0) RETURNING id",
          {t.tenant, std::string(dev)}));
    tx.exec(
        "INSERT INTO residents(tenant_id, channel, external_id, status, created_at, updated_at) "
        "VALUES (?, 'web', 'late-blocked', 'blocked', 0, 0), (?, 'web', 'other-web', 'active', 0, "
        "0)",
        {t.tenant, t.other});
  });
  ASSERT_EQ(web.size(), 15u);  // 13 interleaved (every 100th) + 2 after the last LINE resident
  int64_t id = new_campaign(t);
  EXPECT_EQ(delivery::run_fanout(*t.db, t.tenant, id), 3);
  std::map<int64_t, int> got;
  t.db->read([&](store::Tx& tx) {
    for (const auto& r : tx.query("SELECT resident_id, tenant_id, kind, title, text FROM "
                                  "resident_messages ORDER BY id")) {
      got[r.i64(0)]++;
      EXPECT_EQ(r.i64(1), t.tenant);
      EXPECT_EQ(r.str(2), "notice");
      EXPECT_EQ(r.str(3), "お知らせ");
      EXPECT_EQ(r.str(4), "こんにちは");
    }
  });
  EXPECT_EQ(got.size(), web.size());
  for (int64_t w : web) EXPECT_EQ(got[w], 1) << "web resident " << w;
}

// A campaign to the residents a condition over attributes selects (segment delivery's base):
// every third LINE resident lives in 北地区; they, and only they, are in the batches.
TEST_P(FanoutTest, ConditionAudienceReachesExactlyTheMatchingResidents) {
  auto t = town(GetParam(), 1234);
  std::set<std::string> north;
  t.db->write([&](store::Tx& tx) {
    residents::AttributeDefinition d;
    d.tenant_id = t.tenant;
    d.key = "district";
    d.label = "地区";
    d.type = residents::AttributeType::choice;
    d.options = {{"kita", "北地区"}, {"minami", "南地区"}};
    residents::insert_definition(tx, d);
    for (size_t i = 0; i < t.line_ids.size(); ++i) {
      residents::AttributeValue v;
      v.key = "district";
      v.text = i % 3 == 0 ? "kita" : "minami";
      residents::replace_values(tx, t.tenant, t.line_ids[i], "district", {v});
      if (i % 3 == 0) north.insert(user_id(static_cast<int>(i)));
    }
  });
  int64_t id = new_campaign(
      t, {{"kind", "condition"}, {"condition", {{"attr", "district"}, {"in", {"kita"}}}}});
  EXPECT_EQ(load(t, id).targeted, static_cast<int64_t>(north.size()));
  delivery::run_fanout(*t.db, t.tenant, id);
  std::map<std::string, int> seen;
  for (const auto& b : batches(t, id))
    for (const auto& u : b.to) seen[u]++;
  EXPECT_EQ(seen.size(), north.size());
  for (const auto& u : north) EXPECT_EQ(seen[u], 1) << u;
  // A condition on an attribute the town has not defined cannot be queued.
  EXPECT_ANY_THROW(t.db->write([&](store::Tx& tx) {
    return delivery::audience_filter(
        tx, t.tenant, {{"kind", "condition"}, {"condition", {{"attr", "nothing"}, {"in", {"x"}}}}});
  }));
}

// The segment is evaluated once, when the campaign is queued (campaign_audience): residents
// who stop or start matching afterwards change nothing, targeted equals queued, someone who
// blocks the account before their batch is left out, and the frozen audience is dropped at the
// end. (Before, each step evaluated the condition again over its id range.)
TEST_P(FanoutTest, AudienceIsEvaluatedOnceWhenQueued) {
  auto t = town(GetParam(), 1234);
  std::set<std::string> north;
  auto set_district = [&](store::Tx& tx, int64_t resident, const char* d) {
    residents::AttributeValue v;
    v.key = "district";
    v.text = d;
    residents::replace_values(tx, t.tenant, resident, "district", {v});
  };
  t.db->write([&](store::Tx& tx) {
    residents::AttributeDefinition d;
    d.tenant_id = t.tenant;
    d.key = "district";
    d.label = "地区";
    d.type = residents::AttributeType::choice;
    d.options = {{"kita", "北地区"}, {"minami", "南地区"}};
    residents::insert_definition(tx, d);
    for (size_t i = 0; i < t.line_ids.size(); ++i) {
      set_district(tx, t.line_ids[i], i % 2 == 0 ? "kita" : "minami");
      if (i % 2 == 0) north.insert(user_id(static_cast<int>(i)));
    }
  });
  int64_t id = new_campaign(
      t, {{"kind", "condition"}, {"condition", {{"attr", "district"}, {"in", {"kita"}}}}});
  EXPECT_EQ(load(t, id).targeted, 617);
  EXPECT_EQ(load(t, id).blocked, 0);
  // After the send: resident 1000 moves south, 1001 moves north (neither changes the
  // delivery), and 1002 (north) blocks the account: left out of their batch.
  t.db->write([&](store::Tx& tx) {
    set_district(tx, t.line_ids[1000], "minami");
    set_district(tx, t.line_ids[1001], "kita");
    tx.exec("UPDATE residents SET status = 'blocked' WHERE id = ?", {t.line_ids[1002]});
  });
  north.erase(user_id(1002));
  EXPECT_EQ(delivery::run_fanout(*t.db, t.tenant, id), 2);
  std::map<std::string, int> seen;
  for (const auto& b : batches(t, id))
    for (const auto& u : b.to) seen[u]++;
  EXPECT_EQ(seen.size(), north.size());
  for (const auto& u : north) EXPECT_EQ(seen[u], 1) << u;
  EXPECT_EQ(seen.count(user_id(1001)), 0u);
  auto c = load(t, id);
  EXPECT_EQ(c.queued, 616);
  EXPECT_TRUE(c.fanout_done);
  EXPECT_EQ(t.db->read([&](store::Tx& tx) {
    return tx.one("SELECT COUNT(*) FROM campaign_audience WHERE campaign_id = ?", {id})->i64(0);
  }),
            0);
  // Blocked LINE residents the condition selects are counted from the same evaluation.
  t.db->write([&](store::Tx& tx) {
    for (const auto& r : tx.query("SELECT id FROM residents WHERE tenant_id = ? AND status = "
                                  "'blocked' AND channel = 'line'",
                                  {t.tenant}))
      set_district(tx, r.i64(0), "kita");
  });
  int64_t again = new_campaign(
      t, {{"kind", "condition"}, {"condition", {{"attr", "district"}, {"in", {"kita"}}}}});
  EXPECT_EQ(load(t, again).blocked, 14);  // 13 of the town + resident 1002
  EXPECT_EQ(load(t, again).targeted, 616);
  // Cancelled: its frozen audience goes too.
  EXPECT_TRUE(t.db->write([&](store::Tx& tx) { return delivery::cancel(tx, t.tenant, again); }));
  EXPECT_EQ(t.db->read([&](store::Tx& tx) {
    return tx.one("SELECT COUNT(*) FROM campaign_audience")->i64(0);
  }),
            0);
}

// A campaign queued by a release before campaign_audience (upgrade mid-fan-out): the step
// evaluates the rest of its audience once, from the cursor, and finishes it.
TEST_P(FanoutTest, CampaignQueuedBeforeTheFrozenAudienceStillFinishes) {
  auto t = town(GetParam(), 1234);
  int64_t id = new_campaign(t);
  t.db->write([&](store::Tx& tx) { delivery::fanout_step(tx, t.tenant, id); });
  t.db->write([&](store::Tx& tx) {
    tx.exec("DELETE FROM campaign_audience WHERE campaign_id = ?", {id});
    tx.exec("UPDATE campaigns SET audience_frozen = 0 WHERE id = ?", {id});
  });
  EXPECT_EQ(delivery::run_fanout(*t.db, t.tenant, id), 2);
  expect_each_once(t, batches(t, id));
  EXPECT_EQ(load(t, id).queued, 1234);
}

TEST_P(FanoutTest, ExactMultipleOf500EndsWithAnEmptyStep) {
  auto t = town(GetParam(), 1000);
  int64_t id = new_campaign(t);
  EXPECT_EQ(delivery::run_fanout(*t.db, t.tenant, id), 2);
  auto bs = batches(t, id);
  ASSERT_EQ(bs.size(), 2u);
  EXPECT_EQ(bs[0].to.size(), 500u);
  EXPECT_EQ(bs[1].to.size(), 500u);
  expect_each_once(t, bs);
}

TEST_P(FanoutTest, CrashBetweenAndInsideStepsResumesWithNothingTwice) {
  auto t = town(GetParam(), 1234);
  int64_t id = new_campaign(t);
  t.db->write([&](store::Tx& tx) { delivery::fanout_step(tx, t.tenant, id); });
  // A crash in the middle of the second step: its transaction never commits.
  EXPECT_ANY_THROW(t.db->write([&](store::Tx& tx) {
    delivery::fanout_step(tx, t.tenant, id);
    throw std::runtime_error("killed");
  }));
  EXPECT_EQ(batches(t, id).size(), 1u);
  EXPECT_EQ(load(t, id).cursor, t.line_ids[499]);
  // The job runs again from the start (its lease ran out): it resumes at the cursor.
  EXPECT_EQ(delivery::run_fanout(*t.db, t.tenant, id), 2);
  // And once more (a second runner after a lost "done"): nothing new.
  EXPECT_EQ(delivery::run_fanout(*t.db, t.tenant, id), 0);
  auto bs = batches(t, id);
  ASSERT_EQ(bs.size(), 3u);
  expect_each_once(t, bs);
  EXPECT_EQ(load(t, id).queued, 1234);
}

TEST_P(FanoutTest, ExplicitResidentListOnlyTheirOwnActiveLineResidents) {
  auto t = town(GetParam(), 20);
  int64_t foreign = t.db->read([&](store::Tx& tx) {
    return tx.one("SELECT id FROM residents WHERE tenant_id = ? LIMIT 1", {t.other})->i64(0);
  });
  int64_t id = new_campaign(
      t, {{"kind", "residents"}, {"resident_ids", {t.line_ids[3], t.line_ids[7], foreign}}});
  EXPECT_EQ(load(t, id).targeted, 2);
  delivery::run_fanout(*t.db, t.tenant, id);
  auto bs = batches(t, id);
  ASSERT_EQ(bs.size(), 1u);
  EXPECT_EQ(bs[0].to, (std::vector<std::string>{user_id(3), user_id(7)}));
}

TEST_P(FanoutTest, BatchReportsCountAndFinishTheCampaign) {
  auto t = town(GetParam(), 1234);
  int64_t id = new_campaign(t);
  delivery::run_fanout(*t.db, t.tenant, id);
  t.db->write([&](store::Tx& tx) {
    delivery::record_batch(tx, t.tenant, id, 500, true);
    delivery::record_batch(tx, t.tenant, id, 500, false);
  });
  EXPECT_EQ(load(t, id).status, "sending");
  t.db->write([&](store::Tx& tx) { delivery::record_batch(tx, t.tenant, id, 234, true); });
  auto c = load(t, id);
  EXPECT_EQ(c.status, "sent");
  EXPECT_EQ(c.sent, 734);
  EXPECT_EQ(c.failed, 500);
  EXPECT_TRUE(c.finished_at.has_value());
}

TEST_P(FanoutTest, CancelStopsTheFanOutAndItsPendingBatches) {
  auto t = town(GetParam(), 1234);
  int64_t id = new_campaign(t);
  t.db->write([&](store::Tx& tx) { delivery::fanout_step(tx, t.tenant, id); });
  EXPECT_TRUE(t.db->write([&](store::Tx& tx) { return delivery::cancel(tx, t.tenant, id); }));
  EXPECT_FALSE(t.db->write([&](store::Tx& tx) { return delivery::cancel(tx, t.tenant, id); }));
  EXPECT_EQ(delivery::run_fanout(*t.db, t.tenant, id), 0);
  auto bs = batches(t, id);
  ASSERT_EQ(bs.size(), 1u);
  EXPECT_EQ(bs[0].status, "cancelled");
  EXPECT_EQ(load(t, id).status, "cancelled");
  // Another tenant cannot queue or cancel it.
  EXPECT_FALSE(t.db->write([&](store::Tx& tx) { return delivery::cancel(tx, t.other, id); }));
}

TEST_P(FanoutTest, RetentionDeletesOldSentRowsAndFinishedCampaignBatches) {
  auto t = town(GetParam(), 600);
  int64_t day = 86400000;
  int64_t now = clock::now_ms();
  int64_t id = new_campaign(t);
  delivery::run_fanout(*t.db, t.tenant, id);
  t.db->write([&](store::Tx& tx) {
    // Batch 1 sent 40 days ago, batch 2 failed; the campaign finished 40 days ago.
    auto bs = tx.query("SELECT id FROM line_outbox WHERE campaign_id = ? ORDER BY id", {id});
    tx.exec("UPDATE line_outbox SET status = 'sent', sent_at = ? WHERE id = ?",
            {now - 40 * day, bs[0].i64(0)});
    tx.exec("UPDATE line_outbox SET status = 'failed', sent_at = ? WHERE id = ?",
            {now - 40 * day, bs[1].i64(0)});
    tx.exec("UPDATE campaigns SET status = 'sent', finished_at = ? WHERE id = ?",
            {now - 40 * day, id});
    // A resident's own messages: one sent long ago, one sent yesterday, one still pending.
    line::OutgoingMessages m;
    m.tenant_id = t.tenant;
    m.user_id = user_id(1);
    m.messages = Json::array({{{"type", "text"}, {"text", "x"}}});
    for (int i = 0; i < 3; ++i) line::enqueue_messages(tx, m);
    auto own = tx.query("SELECT id FROM line_outbox WHERE campaign_id IS NULL ORDER BY id");
    tx.exec("UPDATE line_outbox SET status = 'sent', sent_at = ? WHERE id = ?",
            {now - 31 * day, own[0].i64(0)});
    tx.exec("UPDATE line_outbox SET status = 'sent', sent_at = ? WHERE id = ?",
            {now - day, own[1].i64(0)});
  });
  auto r = delivery::purge_delivered(*t.db, now, 30 * day);
  EXPECT_EQ(r.sent_rows, 2);         // the old own message and the old campaign batch
  EXPECT_EQ(r.campaign_batches, 1);  // the failed batch of the finished campaign
  auto left = t.db->read([](store::Tx& tx) {
    std::vector<std::string> s;
    for (const auto& row : tx.query("SELECT status FROM line_outbox ORDER BY id"))
      s.push_back(row.str(0));
    return s;
  });
  EXPECT_EQ(left, (std::vector<std::string>{"sent", "pending"}));
  // Run again: nothing more, and the campaign itself (counts) is kept.
  auto again = delivery::purge_delivered(*t.db, now, 30 * day);
  EXPECT_EQ(again.sent_rows + again.campaign_batches, 0);
  EXPECT_EQ(load(t, id).queued, 600);
}

INSTANTIATE_TEST_SUITE_P(Backends, FanoutTest, ::testing::ValuesIn(testdb::backends()));

TEST(Pacing, TokenBucketAllowsTheRateAndNoBurstBeyondIt) {
  line::ChannelPacing p(10);  // 10/s, burst 1
  EXPECT_TRUE(p.take(1, 1000));
  EXPECT_FALSE(p.take(1, 1000));
  EXPECT_TRUE(p.take(2, 1000));  // another channel has its own bucket
  EXPECT_FALSE(p.take(1, 1050));
  EXPECT_TRUE(p.take(1, 1100));
  int taken = 0;
  for (int64_t ms = 2000; ms < 3000; ms += 5) taken += p.take(1, ms) ? 1 : 0;
  EXPECT_EQ(taken, 10);
  line::ChannelPacing unpaced(0);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(unpaced.take(1, 0));
}

TEST(Multicast, RequestCarriesEveryRecipientAndTheRetryKey) {
  auto req = line::multicast_message_request({"http://sim/", "tok"}, "Ua,Ub,Uc",
                                             R"([{"type":"text","text":"x"}])", "key-1");
  EXPECT_EQ(req.url, "http://sim/v2/bot/message/multicast");
  auto body = Json::parse(req.body);
  EXPECT_EQ(body["to"], Json::array({"Ua", "Ub", "Uc"}));
  EXPECT_EQ(body["messages"][0]["text"], "x");
  bool key = false;
  for (const auto& [k, v] : req.headers) key |= k == "X-Line-Retry-Key" && v == "key-1";
  EXPECT_TRUE(key);
}

TEST(Multicast, ListFormRejectsMoreThan500) {
  auto db = testdb::fresh_db("sqlite");
  db->write([](store::Tx& tx) {
    int64_t tenant = tx.insert_id(
        "INSERT INTO tenants(code, name, created_at) VALUES ('t', 'T', 0) RETURNING id");
    Json msgs = Json::array({{{"type", "text"}, {"text", "x"}}});
    std::vector<std::string> ids;
    for (int i = 0; i < 501; ++i) ids.push_back(user_id(i));
    EXPECT_THROW(line::enqueue_multicast(tx, tenant, ids, msgs), std::invalid_argument);
    ids.pop_back();
    auto b = line::enqueue_multicast(tx, tenant, ids, msgs);
    EXPECT_EQ(b.recipients, 500);
  });
}

namespace {
std::string field_of(const Json& body) {
  try {
    delivery::validated_campaign(body);
  } catch (const ApiError& e) {
    return e.field();
  }
  return "ok";
}
}  // namespace

TEST(CampaignInput, BoundedAndNamesTheField) {
  Json text = {{"type", "text"}, {"text", "お知らせ"}};
  Json ok = {{"title", "件名"}, {"messages", {text}}, {"audience", {{"kind", "all"}}}};
  EXPECT_EQ(field_of(ok), "ok");
  auto with = [&](const std::string& k, Json v) {
    Json b = ok;
    b[k] = std::move(v);
    return b;
  };
  EXPECT_EQ(field_of(with("title", "")), "title");
  EXPECT_EQ(field_of(with("title", std::string(101, 'a'))), "title");
  EXPECT_EQ(field_of(with("messages", Json::array())), "messages");
  EXPECT_EQ(field_of(with("messages", Json::array({text, text, text, text, text, text}))),
            "messages");
  EXPECT_EQ(field_of(with("messages", Json::array({text, text, text, text, text}))), "ok");
  std::string long_text;
  for (int i = 0; i < 5001; ++i) long_text += "あ";
  EXPECT_EQ(field_of(with("messages", {{{"type", "text"}, {"text", long_text}}})),
            "messages[0].text");
  EXPECT_EQ(field_of(with("messages", {{{"type", "video"}}})), "messages[0].type");
  // Images and cards are allowed now; an image needs its https address.
  EXPECT_EQ(field_of(with("messages", {{{"type", "image"}}})), "messages[0].originalContentUrl");
  EXPECT_EQ(field_of(with("audience", {{"kind", "everyone"}})), "audience.kind");
  EXPECT_EQ(field_of(with("audience", {{"kind", "residents"}, {"resident_ids", {1, -2}}})),
            "audience.resident_ids");
  Json many = Json::array();
  for (int i = 1; i <= 5001; ++i) many.push_back(i);
  EXPECT_EQ(field_of(with("audience", {{"kind", "residents"}, {"resident_ids", many}})),
            "audience.resident_ids");
}

// Benchmark (not run by default): MG_FANOUT_BENCH=100000 ./build/unit_delivery
// --gtest_filter='*FanoutBench*' [with MG_PG_ADMIN_URL for PostgreSQL]. Times queueing every
// batch of a campaign to that many active LINE residents and counts the rows written.
TEST_P(FanoutTest, FanoutBench) {
  const char* env = std::getenv("MG_FANOUT_BENCH");
  if (!env) GTEST_SKIP() << "set MG_FANOUT_BENCH=N";
  int64_t n = std::atoll(env);
  Town t = town(GetParam(), 0);
  bool sqlite = GetParam() == "sqlite";
  auto t0 = std::chrono::steady_clock::now();
  t.db->write([&](store::Tx& tx) {
    tx.exec(std::string("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < "
                        "?) INSERT INTO residents(tenant_id, channel, external_id, status, "
                        "created_at, updated_at) SELECT ?, 'line', ") +
                (sqlite ? "printf('U%032x', i)" : "'U' || lpad(to_hex(i), 32, '0')") +
                ", 'active', 0, 0 FROM s",
            {n, t.tenant});
  });
  auto t1 = std::chrono::steady_clock::now();
  int64_t id = new_campaign(t);
  auto t2 = std::chrono::steady_clock::now();
  int64_t batches = delivery::run_fanout(*t.db, t.tenant, id);
  auto t3 = std::chrono::steady_clock::now();
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  auto rows = t.db->read([&](store::Tx& tx) {
    return tx.one("SELECT COUNT(*), COALESCE(SUM(recipient_count), 0) FROM line_outbox")->str(0) +
           " outbox rows, " +
           tx.one("SELECT COALESCE(SUM(recipient_count), 0) FROM line_outbox")->str(0) +
           " recipients, " + tx.one("SELECT COUNT(*) FROM jobs")->str(0) + " job rows";
  });
  std::printf(
      "fanout bench %s: %lld residents generated in %.0f ms; queue (count targets) %.0f ms; "
      "fan-out %lld batches in %.0f ms (%.0f residents/s); %s\n",
      GetParam().c_str(), static_cast<long long>(n), ms(t0, t1), ms(t1, t2),
      static_cast<long long>(batches), ms(t2, t3), static_cast<double>(n) / (ms(t2, t3) / 1000.0),
      rows.c_str());
  EXPECT_EQ(batches, (n + 499) / 500);
  EXPECT_EQ(load(t, id).queued, n);
}
