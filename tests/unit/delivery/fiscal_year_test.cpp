// Fiscal years (年度) start on 1 April in JST: the boundary instants on both sides, and a
// UTC instant that is already April in Japan.
#include <gtest/gtest.h>

#include "calendar/recurrence.h"
#include "delivery/fiscal_year.h"

namespace {

int64_t jst(int y, unsigned m, unsigned d, int hour, int minute) {
  using namespace std::chrono;
  return mg::calendar::jst_instant(year_month_day{year{y}, month{m}, day{d}}, hour, minute);
}

TEST(FiscalYear, StartsOnFirstAprilInJapan) {
  EXPECT_EQ(mg::delivery::fiscal_year(jst(2027, 3, 31, 23, 59)), 2026);
  EXPECT_EQ(mg::delivery::fiscal_year(jst(2027, 4, 1, 0, 0)), 2027);
  EXPECT_EQ(mg::delivery::fiscal_year(jst(2027, 4, 1, 0, 0) - 1), 2026);
  EXPECT_EQ(mg::delivery::fiscal_year(jst(2026, 12, 31, 23, 59)), 2026);
  EXPECT_EQ(mg::delivery::fiscal_year(jst(2027, 1, 1, 0, 0)), 2026);
  // 2027-03-31 15:00 UTC is 2027-04-01 00:00 JST.
  EXPECT_EQ(mg::delivery::fiscal_year(1806505200000), 2027);
  EXPECT_EQ(mg::delivery::fiscal_year(1806505200000 - 1), 2026);
}

}  // namespace
