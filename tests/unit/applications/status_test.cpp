// The status workflow table (issue 9 item 13): which status staff may set, and what an open
// correction request forbids.
#include <gtest/gtest.h>

#include "applications/status.h"

namespace mg::applications {
namespace {

using V = std::vector<std::string>;

TEST(StatusTransitions, TableWithoutCorrection) {
  EXPECT_EQ(allowed_statuses("new", false), (V{"in_progress", "done", "rejected", "withdrawn"}));
  EXPECT_EQ(allowed_statuses("in_progress", false), (V{"new", "done", "rejected", "withdrawn"}));
  EXPECT_EQ(allowed_statuses("done", false), (V{"in_progress"}));
  EXPECT_EQ(allowed_statuses("rejected", false), (V{"in_progress"}));
  EXPECT_EQ(allowed_statuses("withdrawn", false), V{});
  EXPECT_EQ(allowed_statuses("flying", false), V{});
}

TEST(StatusTransitions, OpenCorrectionKeepsTheApplicationInWork) {
  EXPECT_EQ(allowed_statuses("new", true), (V{"in_progress"}));
  EXPECT_EQ(allowed_statuses("in_progress", true), (V{"new"}));
  EXPECT_EQ(allowed_statuses("done", true), (V{"in_progress"}));
  EXPECT_EQ(allowed_statuses("withdrawn", true), V{});
}

TEST(StatusTransitions, RefusalsSayWhyInJapanese) {
  EXPECT_EQ(transition_refusal("in_progress", "done", false), std::nullopt);
  EXPECT_EQ(transition_refusal("in_progress", "in_progress", true), std::nullopt);  // unchanged
  EXPECT_EQ(transition_refusal("in_progress", "done", true),
            "修正依頼中の申請は完了にできません。住民の修正が届くまでお待ちください");
  EXPECT_EQ(transition_refusal("new", "rejected", true),
            "修正依頼中の申請は却下にできません。住民の修正が届くまでお待ちください");
  EXPECT_EQ(transition_refusal("withdrawn", "in_progress", false),
            "取り下げの申請は処理中にできません");
  EXPECT_EQ(transition_refusal("done", "rejected", false), "完了の申請は却下にできません");
  // Not a correction matter: the general message even with a correction open.
  EXPECT_EQ(transition_refusal("done", "rejected", true), "完了の申請は却下にできません");
}

}  // namespace
}  // namespace mg::applications
