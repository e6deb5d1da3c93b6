// FAQ statistics (issue 14): hand-offs merged into the counts from the question log, per day and
// per entry answered before them (有人対応へ).
#include <gtest/gtest.h>

#include "faq/stats.h"

using namespace mg::faq;

namespace {
Stats two_days() {
  Stats s;
  s.days = {{"2026-11-30", 3, 2, 1, 0, 1, 0}, {"2026-12-01", 1, 1, 0, 1, 0, 0}};
  // From the log, in no particular order: entry 7 answered twice, passage -3 once.
  s.entries = {{-3, 1, 0, 1, 0}, {7, 2, 1, 0, 0}};
  return s;
}
}  // namespace

TEST(FaqStats, HandoffsJoinDaysEntriesAndTheTotal) {
  Stats s = two_days();
  add_handoffs(s, {{{"2026-12-01", 2}, {"2026-11-29", 5}}, {{7, 1}, {-3, 1}}});
  EXPECT_EQ(s.days[0].handed_off, 0);
  EXPECT_EQ(s.days[1].handed_off, 2);
  EXPECT_EQ(s.total.handed_off, 2) << "a day outside the period is not counted";
  EXPECT_EQ(s.total.asked, 4);
  EXPECT_EQ(s.total.answered, 3);
  EXPECT_EQ(s.total.unresolved, 1);
  ASSERT_EQ(s.entries.size(), 2u);
  EXPECT_EQ(s.entries[0].entry_id, 7);
  EXPECT_EQ(s.entries[0].answered, 2);
  EXPECT_EQ(s.entries[0].handed_off, 1);
  EXPECT_EQ(s.entries[1].entry_id, -3);
  EXPECT_EQ(s.entries[1].handed_off, 1);
  EXPECT_EQ(s.entries[1].unresolved, 1) << "the log's counts stay";
}

TEST(FaqStats, AnEntryWithHandoffsOnlyIsListedAfterTheAnsweredOnes) {
  // Answered before the period (late the day before), handed off in it.
  Stats s = two_days();
  add_handoffs(s, {{}, {{12, 2}, {11, 1}, {13, 0}}});
  ASSERT_EQ(s.entries.size(), 4u) << "a zero count adds no row";
  EXPECT_EQ(s.entries[0].entry_id, 7);
  EXPECT_EQ(s.entries[1].entry_id, -3);
  EXPECT_EQ(s.entries[2].entry_id, 12) << "then most handed off";
  EXPECT_EQ(s.entries[2].answered, 0);
  EXPECT_EQ(s.entries[2].handed_off, 2);
  EXPECT_EQ(s.entries[3].entry_id, 11);
  EXPECT_EQ(s.total.handed_off, 0) << "per-entry counts are not added to the days";
}

TEST(FaqStats, NoHandoffsLeavesTheLogCounts) {
  Stats s = two_days();
  add_handoffs(s, {});
  ASSERT_EQ(s.entries.size(), 2u);
  EXPECT_EQ(s.entries[0].entry_id, 7);
  EXPECT_EQ(s.entries[0].handed_off, 0);
  EXPECT_EQ(s.total.asked, 4);
  // Merging twice does not double the total.
  add_handoffs(s, {{{"2026-11-30", 1}}, {}});
  EXPECT_EQ(s.total.asked, 4);
  EXPECT_EQ(s.total.handed_off, 1);
}
