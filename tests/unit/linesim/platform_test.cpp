// The Platform in-process: webhooks out, Messaging API in, with LINE's rules.
#include "linesim/platform.h"

#include <gtest/gtest.h>

#include "core/clock.h"
#include "linesim/ids.h"
#include "linesim/signature.h"
#include "test_support.h"

namespace mg::linesim {
namespace {

using testing::header_of;
using testing::PlatformFixture;
using testing::text_messages;

class PlatformTest : public ::testing::Test, public PlatformFixture {
 protected:
  Json body_of(const http::Response& r) { return Json::parse(r.body); }
};

TEST_F(PlatformTest, FollowSendsSignedWebhookShapedLikeLine) {
  Json r = platform.create_resident({{"displayName", "山田"}});
  std::string user = r["userId"];
  ASSERT_TRUE(platform.webhooks().wait_for(r["event"]["webhookEventId"], 5000));
  ASSERT_EQ(capture.count(), 1u);
  const auto& post = capture.posts[0];
  EXPECT_EQ(post.url, "http://bot.invalid/webhook");
  std::string sig;
  for (const auto& [k, v] : post.headers)
    if (k == "x-line-signature") sig = v;
  EXPECT_TRUE(verify_webhook_signature(testing::kSecret, post.body, sig));

  Json body = Json::parse(post.body);
  EXPECT_EQ(body["destination"], platform.bot_user_id());
  ASSERT_EQ(body["events"].size(), 1u);
  const Json& e = body["events"][0];
  EXPECT_EQ(e["type"], "follow");
  EXPECT_EQ(e["mode"], "active");
  EXPECT_EQ(e["source"], (Json{{"type", "user"}, {"userId", user}}));
  EXPECT_EQ(e["follow"]["isUnblocked"], false);
  EXPECT_EQ(e["deliveryContext"]["isRedelivery"], false);
  EXPECT_EQ(e["webhookEventId"].get<std::string>().size(), 26u);
  EXPECT_TRUE(e["timestamp"].is_number_integer());
  EXPECT_EQ(e["replyToken"].get<std::string>().size(), 32u);
}

TEST_F(PlatformTest, BlockThenFollowIsUnblockedAndUnfollowHasNoReplyToken) {
  auto [user, token] = resident();
  Json unfollow = platform.block(user);
  EXPECT_EQ(unfollow["type"], "unfollow");
  EXPECT_FALSE(unfollow.contains("replyToken"));
  Json again = platform.follow(user);
  EXPECT_EQ(again["follow"]["isUnblocked"], true);
  EXPECT_EQ(get("/v2/bot/profile/" + user).status, 200);
}

TEST_F(PlatformTest, ReplyRecordsMessagesAndTokenIsSingleUse) {
  auto [user, token] = resident();
  auto res =
      api("POST", "/v2/bot/message/reply", {{"replyToken", token}, {"messages", text_messages(2)}});
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(body_of(res)["sentMessages"].size(), 2u);
  EXPECT_TRUE(body_of(res)["sentMessages"][0].contains("quoteToken"));
  EXPECT_FALSE(header_of(res, "X-Line-Request-Id").empty());

  Json got = platform.received_messages(user);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]["endpoint"], "reply");
  EXPECT_EQ(got[1]["message"]["text"], "msg 1");

  auto again =
      api("POST", "/v2/bot/message/reply", {{"replyToken", token}, {"messages", text_messages(1)}});
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(body_of(again), (Json{{"message", "Invalid reply token"}}));
}

TEST_F(PlatformTest, ReplyTokenExpiresAfterOneMinute) {
  auto [user, token] = resident();
  // The minute runs from delivery, so let the webhook go out before moving the clock.
  ASSERT_TRUE(platform.webhooks().wait_idle(5000));
  sim_clock.set_offset_ms(61 * 1000);
  auto res =
      api("POST", "/v2/bot/message/reply", {{"replyToken", token}, {"messages", text_messages(1)}});
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(body_of(res)["message"], "Invalid reply token");
}

// POST /sim/clock moves this platform's time only: the process's clock and another platform
// keep theirs (line-sim may share a process with a bot under test).
TEST_F(PlatformTest, SimClockMovesOnlyThePlatform) {
  auto [user, token] = resident();
  ASSERT_TRUE(platform.webhooks().wait_idle(5000));
  PlatformFixture other;
  int64_t before = clock::now_ms();
  auto moved = api("POST", "/sim/clock", {{"advanceMs", 61000}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(body_of(moved)["offsetMs"], 61000);
  EXPECT_GE(body_of(moved)["nowMs"].get<int64_t>(), before + 61000);
  EXPECT_LT(clock::now_ms(), before + 30000) << "the process's clock moved";
  EXPECT_LT(other.platform.clock().now_ms(), before + 30000) << "another platform's clock moved";
  auto res =
      api("POST", "/v2/bot/message/reply", {{"replyToken", token}, {"messages", text_messages(1)}});
  EXPECT_EQ(res.status, 400) << "the platform's reply token expired";
}

TEST_F(PlatformTest, ReplyTokenValidJustUnderOneMinute) {
  auto [user, token] = resident();
  // Wait for delivery so the delivery-time refresh cannot move the window afterwards.
  platform.webhooks().wait_idle(5000);
  sim_clock.set_offset_ms(50 * 1000);
  auto res =
      api("POST", "/v2/bot/message/reply", {{"replyToken", token}, {"messages", text_messages(1)}});
  EXPECT_EQ(res.status, 200) << res.body;
}

TEST_F(PlatformTest, AuthenticationFailures) {
  auto req = testing::make_request("POST", "/v2/bot/message/push", "{}",
                                   {{"authorization", "Bearer wrong"}});
  auto res = platform.handle(req);
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(body_of(res)["message"],
            "Authentication failed. Confirm that the access token in the authorization header is "
            "valid.");
  EXPECT_FALSE(header_of(res, "X-Line-Request-Id").empty());

  auto bare = testing::make_request("GET", "/v2/bot/message/quota");
  EXPECT_EQ(platform.handle(bare).status, 401);
}

TEST_F(PlatformTest, SixMessagesRejectedWithDetails) {
  auto [user, token] = resident();
  auto res = api("POST", "/v2/bot/message/push", {{"to", user}, {"messages", text_messages(6)}});
  EXPECT_EQ(res.status, 400);
  Json b = body_of(res);
  EXPECT_EQ(b["message"], "The request body has 1 error(s)");
  EXPECT_EQ(b["details"][0]["property"], "messages");
  EXPECT_TRUE(platform.received_messages(user).empty());
}

TEST_F(PlatformTest, MalformedJsonGetsLineParseError) {
  auto res = api("POST", "/v2/bot/message/push", nullptr);
  auto req = testing::make_request("POST", "/v2/bot/message/push", "{\n  \"to\": ,}",
                                   {{"authorization", std::string("Bearer ") + testing::kToken}});
  res = platform.handle(req);
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(body_of(res)["message"],
            "The request body could not be parsed as JSON (line: 2, column: 9)");
}

TEST_F(PlatformTest, PushToUnknownAndBlockedUsers) {
  auto res =
      api("POST", "/v2/bot/message/push", {{"to", "not-an-id"}, {"messages", text_messages(1)}});
  EXPECT_EQ(res.status, 400);
  res =
      api("POST", "/v2/bot/message/push", {{"to", ids::user_id()}, {"messages", text_messages(1)}});
  EXPECT_EQ(body_of(res)["message"], "Failed to send messages");

  auto [user, token] = resident();
  platform.block(user);
  res = api("POST", "/v2/bot/message/push", {{"to", user}, {"messages", text_messages(1)}});
  EXPECT_EQ(res.status, 200);
  EXPECT_TRUE(platform.received_messages(user).empty());
  EXPECT_EQ(get("/v2/bot/profile/" + user).status, 404);
}

TEST_F(PlatformTest, RetryKeyRepeatIs409WithAcceptedRequestId) {
  auto [user, token] = resident();
  http::Headers h = {{"X-Line-Retry-Key", "123e4567-e89b-12d3-a456-426614174000"}};
  auto first =
      api("POST", "/v2/bot/message/push", {{"to", user}, {"messages", text_messages(1)}}, h);
  ASSERT_EQ(first.status, 200);
  auto second =
      api("POST", "/v2/bot/message/push", {{"to", user}, {"messages", text_messages(1)}}, h);
  EXPECT_EQ(second.status, 409);
  EXPECT_EQ(body_of(second)["message"], "The retry key is already accepted");
  EXPECT_EQ(body_of(second)["sentMessages"], body_of(first)["sentMessages"]);
  EXPECT_EQ(header_of(second, "x-line-accepted-request-id"), header_of(first, "X-Line-Request-Id"));
  EXPECT_NE(header_of(second, "X-Line-Request-Id"), header_of(first, "X-Line-Request-Id"));
  Json got = platform.received_messages(user);
  ASSERT_EQ(got.size(), 1u);  // delivered once
  EXPECT_EQ(got[0]["retryKey"], "123e4567-e89b-12d3-a456-426614174000");

  // After 24 hours the same key is a new request.
  sim_clock.set_offset_ms(24LL * 3600 * 1000 + 1000);
  auto later =
      api("POST", "/v2/bot/message/push", {{"to", user}, {"messages", text_messages(1)}}, h);
  EXPECT_EQ(later.status, 200);
}

TEST_F(PlatformTest, RetryKeyRejectedOnReplyAndWhenMalformed) {
  auto [user, token] = resident();
  auto res =
      api("POST", "/v2/bot/message/reply", {{"replyToken", token}, {"messages", text_messages(1)}},
          {{"X-Line-Retry-Key", "123e4567-e89b-12d3-a456-426614174000"}});
  EXPECT_EQ(res.status, 400);
  res = api("POST", "/v2/bot/message/push", {{"to", user}, {"messages", text_messages(1)}},
            {{"X-Line-Retry-Key", "abc"}});
  EXPECT_EQ(res.status, 400);
}

TEST_F(PlatformTest, RetryKeyNotRememberedWhenRequestFailed) {
  auto [user, token] = resident();
  http::Headers h = {{"X-Line-Retry-Key", "223e4567-e89b-12d3-a456-426614174000"}};
  platform.set_faults(Faults{1, 0, 0});
  EXPECT_EQ(
      api("POST", "/v2/bot/message/push", {{"to", user}, {"messages", text_messages(1)}}, h).status,
      500);
  EXPECT_EQ(
      api("POST", "/v2/bot/message/push", {{"to", user}, {"messages", text_messages(1)}}, h).status,
      200);
}

TEST_F(PlatformTest, MulticastLimits) {
  Json to = Json::array();
  for (int i = 0; i < 501; ++i) to.push_back(ids::user_id());
  auto res = api("POST", "/v2/bot/message/multicast", {{"to", to}, {"messages", text_messages(1)}});
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(body_of(res)["details"][0]["property"], "to");
  EXPECT_EQ(body_of(res)["details"][0]["message"], "Size must be between 1 and 500");

  auto [a, ta] = resident();
  auto [b, tb] = resident();
  platform.block(b);
  to = Json::array({a, b, ids::user_id()});
  res = api("POST", "/v2/bot/message/multicast", {{"to", to}, {"messages", text_messages(1)}});
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(body_of(res), Json::object());
  EXPECT_EQ(platform.received_messages(a).size(), 1u);
  EXPECT_TRUE(platform.received_messages(b).empty());

  to = Json::array({a, "C0123456789abcdef0123456789abcdef"});
  res = api("POST", "/v2/bot/message/multicast", {{"to", to}, {"messages", text_messages(1)}});
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(platform.received_messages(a).size(), 1u);  // on an error nobody receives it
}

TEST_F(PlatformTest, RateLimitAnswers429) {
  auto [user, token] = resident();
  platform.set_rate_limit("POST /v2/bot/message/push", RateLimit{2, 60000});
  Json body = {{"to", user}, {"messages", text_messages(1)}};
  EXPECT_EQ(api("POST", "/v2/bot/message/push", body).status, 200);
  EXPECT_EQ(api("POST", "/v2/bot/message/push", body).status, 200);
  auto res = api("POST", "/v2/bot/message/push", body);
  EXPECT_EQ(res.status, 429);
  EXPECT_EQ(body_of(res)["message"], "The API rate limit has been exceeded. Try again later.");
  // Other endpoints keep their own budget.
  EXPECT_EQ(get("/v2/bot/message/quota").status, 200);
}

TEST_F(PlatformTest, FaultSwitches) {
  platform.set_faults(Faults{2, 1, 0});
  EXPECT_EQ(get("/v2/bot/message/quota").status, 500);
  EXPECT_EQ(get("/v2/bot/message/quota").status, 500);
  EXPECT_EQ(get("/v2/bot/message/quota").status, 429);
  EXPECT_EQ(get("/v2/bot/message/quota").status, 200);
}

TEST_F(PlatformTest, BroadcastAndNarrowcastWithProgress) {
  auto [a, ta] = resident();
  auto [b, tb] = resident();
  EXPECT_EQ(api("POST", "/v2/bot/message/broadcast", {{"messages", text_messages(1)}}).status, 200);
  EXPECT_EQ(platform.received_messages(a).size(), 1u);
  EXPECT_EQ(platform.received_messages(b).size(), 1u);
  auto res = api("POST", "/v2/bot/message/narrowcast", {{"messages", text_messages(1)}});
  EXPECT_EQ(res.status, 202);
  auto progress =
      get("/v2/bot/message/progress/narrowcast?requestId=" + header_of(res, "X-Line-Request-Id"));
  ASSERT_EQ(progress.status, 200);
  EXPECT_EQ(body_of(progress)["phase"], "succeeded");
  EXPECT_EQ(body_of(progress)["successCount"], 2);
  EXPECT_EQ(body_of(get("/v2/bot/message/quota/consumption"))["totalUsage"], 4);
}

TEST_F(PlatformTest, MonthlyQuotaExhaustion) {
  auto [user, token] = resident();
  auto req = testing::make_request("POST", "/sim/quota", R"({"type":"limited","value":1})");
  ASSERT_EQ(platform.handle(req).status, 200);
  Json body = {{"to", user}, {"messages", text_messages(1)}};
  EXPECT_EQ(api("POST", "/v2/bot/message/push", body).status, 200);
  auto res = api("POST", "/v2/bot/message/push", body);
  EXPECT_EQ(res.status, 429);
  EXPECT_EQ(body_of(res)["message"], "You have reached your monthly limit.");
}

TEST_F(PlatformTest, PhotoContentCanBeDownloaded) {
  auto [user, token] = resident();
  std::string jpeg = "\xFF\xD8\xFF\xE0 fake jpeg bytes";
  Json e = platform.send_image(user, jpeg, "image/jpeg");
  EXPECT_EQ(e["message"]["type"], "image");
  EXPECT_EQ(e["message"]["contentProvider"]["type"], "line");
  auto res = get("/v2/bot/message/" + e["message"]["id"].get<std::string>() + "/content");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.body, jpeg);
  EXPECT_EQ(res.content_type, "image/jpeg");
  EXPECT_EQ(get("/v2/bot/message/1/content").status, 404);
}

TEST_F(PlatformTest, PostbackWithDatetimeParams) {
  auto [user, token] = resident();
  Json e = platform.send_postback(user, "action=book", Json{{"date", "2025-04-01"}});
  EXPECT_EQ(e["type"], "postback");
  EXPECT_EQ(e["postback"]["data"], "action=book");
  EXPECT_EQ(e["postback"]["params"]["date"], "2025-04-01");
  Json loc = platform.send_location(user, 43.5, 141.9, "役場", "上砂川町");
  EXPECT_EQ(loc["message"]["latitude"], 43.5);
  EXPECT_EQ(loc["message"]["address"], "上砂川町");
}

TEST_F(PlatformTest, BatchSendsSeveralEventsInOneWebhook) {
  auto [a, ta] = resident();
  auto [b, tb] = resident();
  platform.webhooks().wait_idle(5000);
  auto before = capture.count();
  Json events =
      platform.send_batch(Json::array({{{"userId", a}, {"action", "text"}, {"text", "1"}},
                                       {{"userId", b}, {"action", "text"}, {"text", "2"}}}));
  ASSERT_EQ(events.size(), 2u);
  ASSERT_TRUE(platform.webhooks().wait_idle(5000));
  ASSERT_EQ(capture.count(), before + 1);
  EXPECT_EQ(Json::parse(capture.posts.back().body)["events"].size(), 2u);
}

TEST_F(PlatformTest, FailedWebhookIsRedeliveredWithSameId) {
  capture.status = 500;
  platform.webhooks().configure([](SenderSettings& s) {
    s.redelivery = true;
    s.redelivery_delay_ms = 10;
    s.redelivery_attempts = 1;
  });
  Json r = platform.create_resident(Json::object());
  std::string id = r["event"]["webhookEventId"];
  ASSERT_TRUE(platform.webhooks().wait_idle(5000));
  ASSERT_EQ(capture.count(), 2u);
  Json first = Json::parse(capture.posts[0].body)["events"][0];
  Json second = Json::parse(capture.posts[1].body)["events"][0];
  EXPECT_EQ(first["webhookEventId"], id);
  EXPECT_EQ(second["webhookEventId"], id);
  EXPECT_EQ(first["deliveryContext"]["isRedelivery"], false);
  EXPECT_EQ(second["deliveryContext"]["isRedelivery"], true);
  EXPECT_EQ(second["timestamp"], first["timestamp"]);
  auto log = platform.webhooks().deliveries(0);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].status, 500);
}

TEST_F(PlatformTest, HoldAndShuffleDeliverOutOfOrder) {
  auto [user, token] = resident();
  platform.webhooks().wait_idle(5000);
  capture.posts.clear();
  platform.webhooks().configure([](SenderSettings& s) {
    s.hold = true;
    s.shuffle = true;
  });
  std::vector<std::string> sent;
  for (int i = 0; i < 30; ++i)
    sent.push_back(platform.send_text(user, std::to_string(i))["webhookEventId"]);
  EXPECT_EQ(capture.count(), 0u);
  platform.webhooks().flush();
  ASSERT_TRUE(platform.webhooks().wait_idle(5000));
  std::vector<std::string> got;
  for (const auto& p : capture.posts)
    got.push_back(Json::parse(p.body)["events"][0]["webhookEventId"]);
  ASSERT_EQ(got.size(), sent.size());
  EXPECT_NE(got, sent);  // 1/30! chance of a false failure
  std::sort(got.begin(), got.end());
  std::sort(sent.begin(), sent.end());
  EXPECT_EQ(got, sent);
}

TEST_F(PlatformTest, UnknownApiPathIsLineNotFound) {
  auto res = get("/v2/bot/nothing/here");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(body_of(res), (Json{{"message", "Not found"}}));
}

}  // namespace
}  // namespace mg::linesim
