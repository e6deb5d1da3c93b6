#include "linesim/signature.h"

#include <gtest/gtest.h>

namespace mg::linesim {
namespace {

TEST(WebhookSignature, MatchesLineSdkTestVector) {
  // From line-bot-sdk-nodejs test/validate-signature.spec.ts (LINE-NOTES §1).
  EXPECT_EQ(webhook_signature("test_secret", R"({"hello":"world"})"),
            "t7Hn4ZDHqs6e+wdvI5TyQIvzie0DmMUmuXEBqyyE/tM=");
}

TEST(WebhookSignature, VerifyRejectsTamperedBodyAndWrongLength) {
  std::string body = R"({"destination":"U0","events":[]})";
  auto sig = webhook_signature("s3cret", body);
  EXPECT_TRUE(verify_webhook_signature("s3cret", body, sig));
  EXPECT_FALSE(verify_webhook_signature("s3cret", body + " ", sig));
  EXPECT_FALSE(verify_webhook_signature("other", body, sig));
  EXPECT_FALSE(verify_webhook_signature("s3cret", body, sig.substr(1)));
}

}  // namespace
}  // namespace mg::linesim
