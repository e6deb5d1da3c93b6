#include "channels/line/send_outcome.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "channels/line/outbox.h"
#include "core/clock.h"

namespace mg::line {
namespace {

using V = SendOutcome::Verdict;

http::ClientResponse resp(int status, std::string body = "{}",
                          std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::ClientResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

TEST(SendOutcome, SuccessAndAcceptedRetryKeyAreSent) {
  EXPECT_EQ(classify_response("push", resp(200), false).verdict, V::sent);
  EXPECT_EQ(classify_response("push",
                              resp(409, R"({"message":"The retry key is already accepted"})",
                                   {{"x-line-accepted-request-id", "abc"}}),
                              false)
                .verdict,
            V::sent);
  EXPECT_EQ(classify_response("push", resp(409), false).verdict, V::failed);
}

TEST(SendOutcome, RateLimitServerErrorAndTimeoutRetry) {
  EXPECT_EQ(classify_response("push", resp(429), false).verdict, V::retry);
  EXPECT_EQ(classify_response("push", resp(500), false).verdict, V::retry);
  EXPECT_EQ(classify_response("push", resp(0), false).verdict, V::retry);
  EXPECT_TRUE(classify_response("reply", resp(500), false).reply_maybe_delivered);
  EXPECT_FALSE(classify_response("reply", resp(429), false).reply_maybe_delivered);
}

TEST(SendOutcome, InvalidReplyTokenFallsBackUnlessOurOwnReplyMayHaveUsedIt) {
  auto invalid = resp(400, R"({"message":"Invalid reply token"})");
  EXPECT_EQ(classify_response("reply", invalid, false).verdict, V::fallback_to_push);
  EXPECT_EQ(classify_response("reply", invalid, true).verdict, V::sent);
}

TEST(SendOutcome, OtherClientErrorsFailWithLinesBody) {
  auto o = classify_response(
      "push", resp(400, R"x({"message":"The request body has 1 error(s)"})x"), false);
  EXPECT_EQ(o.verdict, V::failed);
  EXPECT_NE(o.error.find("1 error(s)"), std::string::npos);
}

TEST(RetryKey, IsATimeOrderedVersion7Uuid) {
  auto k = new_retry_key();
  ASSERT_EQ(k.size(), 36u);
  for (size_t i : {8u, 13u, 18u, 23u}) EXPECT_EQ(k[i], '-');
  EXPECT_EQ(k[14], '7');
  EXPECT_NE(std::string("89ab").find(k[19]), std::string::npos);  // variant 10xx
  // The first 48 bits are the current Unix time in milliseconds.
  std::string ms_hex = k.substr(0, 8) + k.substr(9, 4);
  int64_t ms = std::stoll(ms_hex, nullptr, 16);
  EXPECT_LE(std::llabs(ms - clock::now_ms()), 5000);
  // Later keys sort after earlier ones (index appends), and two keys differ.
  auto later = new_retry_key();
  EXPECT_NE(k, later);
  EXPECT_LE(k.substr(0, 13), later.substr(0, 13));
}

}  // namespace
}  // namespace mg::line
