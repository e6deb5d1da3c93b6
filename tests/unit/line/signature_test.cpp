#include "channels/line/signature.h"

#include <gtest/gtest.h>

namespace mg::line {

// The vector from LINE's Node SDK tests (LINE-NOTES.md).
TEST(Signature, MatchesLineSdkVector) {
  EXPECT_EQ(signature_for("test_secret", R"({"hello":"world"})"),
            "t7Hn4ZDHqs6e+wdvI5TyQIvzie0DmMUmuXEBqyyE/tM=");
  EXPECT_TRUE(signature_valid("test_secret", R"({"hello":"world"})",
                              "t7Hn4ZDHqs6e+wdvI5TyQIvzie0DmMUmuXEBqyyE/tM="));
}

TEST(Signature, RejectsTamperedBodyWrongSecretAndEmpty) {
  std::string sig = signature_for("s", "body");
  EXPECT_FALSE(signature_valid("s", "body ", sig));
  EXPECT_FALSE(signature_valid("t", "body", sig));
  EXPECT_FALSE(signature_valid("", "body", signature_for("", "body")));
  EXPECT_FALSE(signature_valid("s", "body", ""));
  EXPECT_FALSE(signature_valid("s", "body", sig.substr(1)));
}

}  // namespace mg::line
