// Security findings on the LINE channel: malformed events fail alone (finding 4), rich menu
// bounds cannot overflow (finding 3), the access token only goes to allowed API bases
// (finding 10), channel secrets and tokens are sealed at rest (finding 12).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "applications/chat.h"
#include "auth/service.h"
#include "channels/line/channel_settings.h"
#include "channels/line/event_processor.h"
#include "channels/line/event_shape.h"
#include "channels/line/rich_menu_image.h"
#include "channels/line/rich_menu_validation.h"
#include "channels/line/webhook.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/log.h"
#include "services/catalog.h"
#include "store/migrations.h"

namespace mg::line {
namespace {

namespace fs = std::filesystem;

Json good_event(const std::string& user, const std::string& type = "follow") {
  return {{"type", type},
          {"mode", "active"},
          {"timestamp", 1700000000000},
          {"webhookEventId", "ev-" + user + "-" + type},
          {"source", {{"type", "user"}, {"userId", user}}},
          {"replyToken", "rt-" + user}};
}

// ------------------------------------------------------------------ event shapes (finding 4)

TEST(LineEventShape, AcceptsLineShapesAndSkipsStandbyAndUserless) {
  EXPECT_EQ(classify_event(good_event("U1")).verdict, EventVerdict::answer);
  Json text = good_event("U1", "message");
  text["message"] = {{"type", "text"}, {"id", "1"}, {"text", "こんにちは"}};
  EXPECT_EQ(classify_event(text).verdict, EventVerdict::answer);
  Json standby = good_event("U1");
  standby["mode"] = "standby";
  EXPECT_EQ(classify_event(standby).verdict, EventVerdict::skip);
  Json userless = good_event("U1");
  userless.erase("source");
  auto s = classify_event(userless);
  EXPECT_EQ(s.verdict, EventVerdict::skip);
  EXPECT_FALSE(s.reason.empty());
}

TEST(LineEventShape, RejectsWrongTypesWithAReason) {
  std::vector<Json> bad;
  Json e = good_event("U1");
  e["type"] = 123;
  bad.push_back(e);
  e = good_event("U1");
  e["timestamp"] = "yesterday";
  bad.push_back(e);
  e = good_event("U1");
  e["timestamp"] = 1.5;
  bad.push_back(e);
  e = good_event("U1");
  e["timestamp"] = -1;
  bad.push_back(e);
  e = good_event("U1");
  e["source"] = "U1";
  bad.push_back(e);
  e = good_event("U1");
  e["source"]["userId"] = 42;
  bad.push_back(e);
  e = good_event("U1");
  e["replyToken"] = Json::array();
  bad.push_back(e);
  e = good_event("U1", "message");
  e["message"] = "hi";
  bad.push_back(e);
  e = good_event("U1", "message");
  e["message"] = {{"type", "location"}, {"id", "1"}, {"latitude", "35.6"}};
  bad.push_back(e);
  e = good_event("U1", "postback");
  e["postback"] = {{"data", 7}};
  bad.push_back(e);
  bad.push_back(Json(12));
  bad.push_back(Json::array());
  for (const auto& b : bad) {
    auto s = classify_event(b);
    EXPECT_EQ(s.verdict, EventVerdict::reject) << b.dump();
    EXPECT_FALSE(s.reason.empty()) << b.dump();
  }
}

TEST(LineEventShape, WebhookBodyKeepsEveryEventAndFailsOnlyTheBadOne) {
  Json bad = good_event("U2");
  bad["type"] = 123;
  Json body = {{"destination", "Ubot"},
               {"events", Json::array({good_event("U1"), bad, 5, good_event("U3")})}};
  int received = 0;
  auto rows = parse_webhook_body(body.dump(), received);
  ASSERT_EQ(received, 4);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].status, "pending");
  EXPECT_EQ(rows[1].status, "failed");
  EXPECT_NE(rows[1].reason.find("type"), std::string::npos);
  EXPECT_EQ(rows[2].status, "failed");
  EXPECT_EQ(rows[3].status, "pending");
  EXPECT_THROW(parse_webhook_body("{\"events\":{}}", received), ApiError);
}

// One processor run with a malformed pending event of tenant A (stored before the webhook
// checked shapes, e.g. by an older version) and good events of tenants A and B.
class LineEventIsolation : public ::testing::Test {
 protected:
  void SetUp() override {
    log::set_level(log::Level::error);
    dir_ = fs::temp_directory_path() / ("mg-line-sec-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    db_ = store::open("sqlite:" + (dir_ / "db.sqlite").string());
    store::migrate(*db_);
    auth::AuthService auth(*db_);
    a_ = auth.create_tenant("seca", "甲町", "011002").id;
    b_ = auth.create_tenant("secb", "乙町", "011003").id;
    catalog_ = std::make_unique<services::Catalog>(*db_);
    chat_ = std::make_unique<applications::ChatService>(*db_, *catalog_, 3600 * 1000);
  }
  void TearDown() override { fs::remove_all(dir_); }

  int64_t insert(int64_t tenant, const std::string& id, const std::string& user,
                 const std::string& body) {
    return db_->write([&](store::Tx& tx) {
      return tx.insert_id(
          "INSERT INTO line_events(tenant_id, webhook_event_id, user_id, event_type, "
          "timestamp_ms, body, status, received_at) VALUES (?, ?, ?, 'x', 1, ?, 'pending', ?) "
          "RETURNING id",
          {tenant, id, user, body, clock::now_ms()});
    });
  }
  std::pair<std::string, std::string> status(int64_t id) {
    return db_->read([&](store::Tx& tx) {
      auto r = tx.one("SELECT status, failure_reason FROM line_events WHERE id = ?", {id});
      return std::make_pair(r->str(0), r->str(1));
    });
  }

  fs::path dir_;
  std::unique_ptr<store::Db> db_;
  int64_t a_ = 0, b_ = 0;
  std::unique_ptr<services::Catalog> catalog_;
  std::unique_ptr<applications::ChatService> chat_;
};

TEST_F(LineEventIsolation, AMalformedEventFailsAloneWithItsReason) {
  Json type123 = good_event("Ubad");
  type123["type"] = 123;
  Json image_no_message = good_event("Ubad2", "message");  // message missing entirely
  int64_t bad = insert(a_, "bad", "Ubad", type123.dump());
  int64_t bad2 = insert(a_, "bad2", "Ubad2", image_no_message.dump());
  int64_t unreadable = insert(b_, "garbage", "Ubad3", "{not json");
  int64_t good_a = insert(a_, "ga", "Ua", good_event("Ua").dump());
  int64_t good_b = insert(b_, "gb", "Ub", good_event("Ub").dump());
  EventProcessor proc(*db_, *chat_, *catalog_, nullptr);
  EXPECT_NO_THROW(proc.run_once());
  EXPECT_EQ(status(good_a).first, "done");
  EXPECT_EQ(status(good_b).first, "done");
  for (int64_t id : {bad, bad2, unreadable}) {
    auto [st, reason] = status(id);
    EXPECT_EQ(st, "failed") << id;
    EXPECT_FALSE(reason.empty()) << id;
  }
  // Both good residents got their greeting queued; nothing for the malformed ones.
  int rows = db_->read([&](store::Tx& tx) {
    return static_cast<int>(tx.one("SELECT COUNT(*) FROM line_outbox")->i64(0));
  });
  EXPECT_EQ(rows, 2);
  EXPECT_EQ(proc.run_once(), 0);  // nothing left pending, nothing stuck
}

// ----------------------------------------------------------- rich menu bounds (finding 3)

Json menu_with_bounds(Json bounds) {
  return {{"size", {{"width", 2500}, {"height", 843}}},
          {"selected", true},
          {"name", "m"},
          {"chatBarText", "メニュー"},
          {"areas",
           Json::array({{{"bounds", bounds}, {"action", {{"type", "message"}, {"text", "a"}}}}})}};
}

TEST(RichMenuOverflow, HugeOrNonIntegerBoundsAreRefused) {
  const int64_t max = INT64_MAX;
  std::vector<Json> cases = {
      {{"x", max}, {"y", 0}, {"width", 1}, {"height", 1}},
      {{"x", max}, {"y", max}, {"width", max}, {"height", max}},
      {{"x", int64_t{1} << 62},
       {"y", 0},
       {"width", (int64_t{1} << 62) + (int64_t{1} << 61)},
       {"height", 1}},
      {{"x", 0}, {"y", 0}, {"width", uint64_t{18446744073709551615u}}, {"height", 1}},
      {{"x", 0}, {"y", 0}, {"width", 10.5}, {"height", 1}},
      {{"x", -1}, {"y", 0}, {"width", 10}, {"height", 10}},
      {{"x", 0}, {"y", 0}, {"width", 0}, {"height", 10}},
      {{"x", "0"}, {"y", 0}, {"width", 10}, {"height", 10}},
  };
  for (const auto& b : cases)
    EXPECT_FALSE(validate_rich_menu(menu_with_bounds(b)).empty()) << b.dump();
  Json huge = menu_with_bounds({{"x", 0}, {"y", 0}, {"width", 10}, {"height", 10}});
  huge["size"] = {{"width", max}, {"height", max}};
  EXPECT_FALSE(validate_rich_menu(huge).empty());
  huge["size"] = {{"width", 2500}, {"height", max}};
  EXPECT_FALSE(validate_rich_menu(huge).empty());
  EXPECT_TRUE(
      validate_rich_menu(menu_with_bounds({{"x", 2490}, {"y", 833}, {"width", 10}, {"height", 10}}))
          .empty());
}

TEST(RichMenuOverflow, ImageGenerationIsBoundedWhateverIsStored) {
  auto started = std::chrono::steady_clock::now();
  Json areas =
      Json::array({{{"bounds",
                     {{"x", int64_t{1} << 62},
                      {"y", int64_t{1} << 62},
                      {"width", (int64_t{1} << 62) + 0x7FFFFFFF},
                      {"height", (int64_t{1} << 62) + 0x7FFFFFFF}}}},
                   {{"bounds", {{"x", -5}, {"y", INT64_MIN}, {"width", INT64_MAX}, {"height", 3}}}},
                   {{"bounds", "nonsense"}},
                   7});
  auto png = generated_menu_png(2500, 843, {}, {}, areas);
  auto dims = image_size(png);
  ASSERT_TRUE(dims);
  EXPECT_EQ(dims->first, 2500);
  auto huge = generated_menu_png(INT32_MAX, INT32_MAX, {}, {}, areas);
  EXPECT_EQ(image_size(huge)->first, kMaxGeneratedSide);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

// ------------------------------------------------------- api_base and sealing (10 and 12)

TEST(LineApiBase, OnlyLineUnlessTheOperatorAllows) {
  EXPECT_TRUE(api_base_allowed("https://api.line.me"));
  EXPECT_TRUE(api_base_allowed("https://api.line.me/"));
  EXPECT_FALSE(api_base_allowed("http://127.0.0.1:9/x"));
  EXPECT_FALSE(api_base_allowed("https://api.line.me.evil.example"));
  EXPECT_FALSE(api_base_allowed("https://api.line.me@127.0.0.1"));
  allow_api_bases("http://127.0.0.1:9/x/, http://127.0.0.1:10");
  EXPECT_TRUE(api_base_allowed("http://127.0.0.1:9/x"));
  EXPECT_TRUE(api_base_allowed("http://127.0.0.1:10/"));
  EXPECT_FALSE(api_base_allowed("http://127.0.0.1:11"));
}

TEST_F(LineEventIsolation, SecretsAreSealedAtRestAndAStoredDisallowedBaseIsNotUsed) {
  auto key = std::make_shared<const crypto::SealedBox>(crypto::SealedBox::with_random_key());
  use_secret_box(key);
  db_->write([&](store::Tx& tx) {
    // As an older version stored them: plain text, and a base nobody allows any more.
    tx.exec(
        "INSERT INTO line_channels(tenant_id, channel_secret, access_token, api_base, greeting, "
        "updated_at) VALUES (?, 'plain-secret-aaaa', 'plain-token-bbbb', 'http://10.0.0.1:1', "
        "'', 0)",
        {a_});
  });
  EXPECT_EQ(seal_plain_channel_secrets(*db_), 2);
  EXPECT_EQ(seal_plain_channel_secrets(*db_), 0);  // idempotent
  auto raw = db_->read([&](store::Tx& tx) {
    auto r =
        tx.one("SELECT channel_secret, access_token FROM line_channels WHERE tenant_id = ?", {a_});
    return r->str(0) + " " + r->str(1);
  });
  EXPECT_EQ(raw.find("plain-"), std::string::npos);
  EXPECT_EQ(raw.rfind("v1:", 0), 0u);
  auto s = db_->read([&](store::Tx& tx) { return load_settings(tx, a_); });
  ASSERT_TRUE(s);
  EXPECT_EQ(s->channel_secret, "plain-secret-aaaa");
  EXPECT_EQ(s->access_token, "plain-token-bbbb");
  EXPECT_EQ(s->api_base, kDefaultApiBase);  // never http://10.0.0.1:1 with the token
  auto summary = db_->read([&](store::Tx& tx) { return load_channel_summary(tx, a_); });
  EXPECT_TRUE(summary.has_secret);
  EXPECT_EQ(summary.api_base, "http://10.0.0.1:1");

  // Saved through save_settings: sealed, readable; another key reads nothing (no plain text).
  db_->write([&](store::Tx& tx) {
    ChannelSettings c = unconfigured(b_);
    c.channel_secret = "b-secret";
    c.access_token = "b-token";
    save_settings(tx, c);
  });
  EXPECT_EQ(db_->read([&](store::Tx& tx) { return load_settings(tx, b_); })->access_token,
            "b-token");
  use_secret_box(std::make_shared<const crypto::SealedBox>(crypto::SealedBox::with_random_key()));
  auto other = db_->read([&](store::Tx& tx) { return load_settings(tx, b_); });
  EXPECT_EQ(other->access_token, "");
  EXPECT_FALSE(other->configured());
  use_secret_box(key);
}

}  // namespace
}  // namespace mg::line
