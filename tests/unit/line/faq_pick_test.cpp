// A tapped もしかして candidate on LINE names an entry or a web-page passage (negative id);
// passages used to be refused ("その質問は見つかりませんでした").
#include <gtest/gtest.h>

#include "channels/line/faq_reply.h"

using mg::line::faq_pick_id;

TEST(FaqPick, EntriesAndPassages) {
  EXPECT_EQ(faq_pick_id("faq.pick:42"), 42);
  EXPECT_EQ(faq_pick_id("faq.pick:-7"), -7);
  EXPECT_EQ(faq_pick_id("faq.pick:999999999999999999"), 999999999999999999);
}

TEST(FaqPick, RefusesAnythingElse) {
  for (const char* bad :
       {"faq.pick:", "faq.pick:-", "faq.pick:0", "faq.pick:-0", "faq.pick:1x", "faq.pick:+1",
        "faq.pick:--1", "faq.pick: 1", "faq.pick:1234567890123456789", "faq.g:1", "pick:1", ""})
    EXPECT_FALSE(faq_pick_id(bad).has_value()) << bad;
}
