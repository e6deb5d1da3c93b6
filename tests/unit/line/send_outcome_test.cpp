#include "channels/line/send_outcome.h"

#include <gtest/gtest.h>

#include "channels/line/outbox.h"

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

TEST(RetryKey, IsAVersion4Uuid) {
  auto k = new_retry_key();
  ASSERT_EQ(k.size(), 36u);
  EXPECT_EQ(k[14], '4');
  EXPECT_NE(k, new_retry_key());
}

}  // namespace
}  // namespace mg::line
