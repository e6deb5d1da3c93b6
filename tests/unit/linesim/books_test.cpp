// Reply tokens, retry keys, rate limiter and ID formats as standalone pieces.
#include <gtest/gtest.h>

#include "linesim/ids.h"
#include "linesim/rate_limiter.h"
#include "linesim/reply_tokens.h"
#include "linesim/retry_keys.h"

namespace mg::linesim {
namespace {

TEST(ReplyTokenBook, SingleUse) {
  ReplyTokenBook book;
  auto t = book.issue("Uabc", 1000);
  EXPECT_EQ(book.consume(t, 2000), "Uabc");
  EXPECT_FALSE(book.consume(t, 2000));
  EXPECT_FALSE(book.consume("nope", 2000));
}

TEST(ReplyTokenBook, ExpiresAfterOneMinute) {
  ReplyTokenBook book;
  auto t = book.issue("U1", 0);
  EXPECT_FALSE(book.consume(t, 60001));
  auto t2 = book.issue("U1", 0);
  EXPECT_TRUE(book.consume(t2, 60000));
}

TEST(ReplyTokenBook, RedeliveryExtendsWindowButNotPastTwentyMinutes) {
  ReplyTokenBook book;
  auto t = book.issue("U1", 0);
  book.delivered(t, 5 * 60 * 1000);  // redelivered after five minutes
  EXPECT_TRUE(book.consume(t, 5 * 60 * 1000 + 59000));

  auto late = book.issue("U1", 0);
  book.delivered(late, 19 * 60 * 1000 + 30000);
  EXPECT_FALSE(book.consume(late, 20 * 60 * 1000 + 1));
}

TEST(RetryKeyBook, RemembersFor24Hours) {
  RetryKeyBook book;
  book.accept("k", AcceptedRequest{"req-1", nullptr, 0});
  auto hit = book.find("k", RetryKeyBook::kRetentionMs - 1);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->request_id, "req-1");
  EXPECT_FALSE(book.find("k", RetryKeyBook::kRetentionMs));
  EXPECT_EQ(normalize_retry_key("ABCDEF"), "abcdef");
}

TEST(RateLimiter, FixedWindowPerEndpoint) {
  RateLimiter rl;
  rl.set("POST /x", RateLimit{3, 1000});
  EXPECT_TRUE(rl.allow("POST /x", 10000));
  EXPECT_TRUE(rl.allow("POST /x", 10100));
  EXPECT_TRUE(rl.allow("POST /x", 10200));
  EXPECT_FALSE(rl.allow("POST /x", 10300));
  EXPECT_TRUE(rl.allow("POST /y", 10300));  // other endpoints unaffected
  EXPECT_TRUE(rl.allow("POST /x", 11000));  // next window
}

TEST(RateLimiter, DefaultsFollowLineNotes) {
  RateLimiter rl;
  EXPECT_EQ(rl.limit_for("POST /v2/bot/message/multicast").limit, 200);
  EXPECT_EQ(rl.limit_for("POST /v2/bot/message/narrowcast").window_ms, 3600000);
  EXPECT_EQ(rl.limit_for("GET /v2/bot/anything").limit, 2000);
}

TEST(Ids, Formats) {
  EXPECT_TRUE(ids::is_user_id(ids::user_id()));
  EXPECT_FALSE(ids::is_user_id("U123"));
  EXPECT_FALSE(ids::is_user_id("UABCDEF0123456789ABCDEF0123456789"));
  EXPECT_TRUE(ids::is_uuid(ids::request_id()));
  EXPECT_TRUE(ids::is_uuid("123E4567-E89B-12D3-A456-426614174000"));
  EXPECT_FALSE(ids::is_uuid("not-a-uuid"));
  EXPECT_FALSE(ids::is_uuid("123e4567e89b12d3a456426614174000"));
  auto ulid = ids::webhook_event_id(1700000000000);
  EXPECT_EQ(ulid.size(), 26u);
  EXPECT_EQ(ulid.substr(0, 10), ids::webhook_event_id(1700000000000).substr(0, 10));
  EXPECT_EQ(ids::bot_user_id("s"), ids::bot_user_id("s"));
  EXPECT_TRUE(ids::is_user_id(ids::bot_user_id("s")));
}

}  // namespace
}  // namespace mg::linesim
