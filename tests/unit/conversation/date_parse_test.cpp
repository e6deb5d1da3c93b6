#include "conversation/date_parse.h"

#include <gtest/gtest.h>

using namespace mg::conversation;

namespace {
std::string parsed(const std::string& s) {
  auto d = parse_date(s);
  return d ? to_iso(*d) : "invalid";
}
}  // namespace

TEST(DateParse, WesternForms) {
  EXPECT_EQ(parsed("2025-04-01"), "2025-04-01");
  EXPECT_EQ(parsed("2025/4/1"), "2025-04-01");
  EXPECT_EQ(parsed("2025年4月1日"), "2025-04-01");
  EXPECT_EQ(parsed("2025.4.1"), "2025-04-01");
  EXPECT_EQ(parsed("20250401"), "2025-04-01");
  EXPECT_EQ(parsed("２０２５年４月１日"), "2025-04-01");
  EXPECT_EQ(parsed(" 2025 年 4 月 1 日 "), "2025-04-01");
}

TEST(DateParse, Wareki) {
  EXPECT_EQ(parsed("令和7年4月1日"), "2025-04-01");
  EXPECT_EQ(parsed("令和元年5月1日"), "2019-05-01");
  EXPECT_EQ(parsed("令和１年５月１日"), "2019-05-01");
  EXPECT_EQ(parsed("R7.4.1"), "2025-04-01");
  EXPECT_EQ(parsed("r7/4/1"), "2025-04-01");
  EXPECT_EQ(parsed("Ｒ７．４．１"), "2025-04-01");
  EXPECT_EQ(parsed("H31.4.30"), "2019-04-30");
  EXPECT_EQ(parsed("平成元年1月8日"), "1989-01-08");
  EXPECT_EQ(parsed("昭和64年1月7日"), "1989-01-07");
  EXPECT_EQ(parsed("昭和55年12月31日"), "1980-12-31");
  EXPECT_EQ(parsed("S50.7.7"), "1975-07-07");
  EXPECT_EQ(parsed("大正15年12月24日"), "1926-12-24");
  EXPECT_EQ(parsed("昭和元年12月25日"), "1926-12-25");
}

TEST(DateParse, RejectsImpossibleDates) {
  EXPECT_EQ(parsed("2025年2月30日"), "invalid");
  EXPECT_EQ(parsed("2025-02-29"), "invalid");
  EXPECT_EQ(parsed("2024-02-29"), "2024-02-29");  // leap year
  EXPECT_EQ(parsed("1900-02-29"), "invalid");
  EXPECT_EQ(parsed("2025-13-01"), "invalid");
  EXPECT_EQ(parsed("2025-04-31"), "invalid");
  EXPECT_EQ(parsed("令和7年2月30日"), "invalid");
}

TEST(DateParse, RejectsDatesOutsideTheEra) {
  EXPECT_EQ(parsed("平成31年5月1日"), "invalid");   // Heisei ended 2019-04-30
  EXPECT_EQ(parsed("令和元年4月30日"), "invalid");  // Reiwa began 2019-05-01
  EXPECT_EQ(parsed("昭和64年1月8日"), "invalid");
  EXPECT_EQ(parsed("平成元年1月7日"), "invalid");
  EXPECT_EQ(parsed("令和0年5月1日"), "invalid");
}

TEST(DateParse, RejectsGarbage) {
  EXPECT_EQ(parsed(""), "invalid");
  EXPECT_EQ(parsed("明日"), "invalid");
  EXPECT_EQ(parsed("25/4/1"), "invalid");  // two-digit years are ambiguous
  EXPECT_EQ(parsed("2025/4"), "invalid");
  EXPECT_EQ(parsed("令和七年四月一日"), "invalid");
  EXPECT_EQ(parsed("X7.4.1"), "invalid");
}

TEST(DateParse, WarekiDisplay) {
  EXPECT_EQ(to_wareki({2025, 4, 1}), "令和7年4月1日");
  EXPECT_EQ(to_wareki({2019, 5, 1}), "令和元年5月1日");
  EXPECT_EQ(to_wareki({2019, 4, 30}), "平成31年4月30日");
  EXPECT_EQ(to_wareki({1989, 1, 7}), "昭和64年1月7日");
  EXPECT_EQ(to_wareki({1989, 1, 8}), "平成元年1月8日");
  EXPECT_EQ(to_wareki({1860, 1, 1}), "1860年1月1日");
}

TEST(DateParse, RelativeLimitsAndAge) {
  Date today{2025, 1, 31};
  EXPECT_EQ(to_iso(*resolve_date("today", today)), "2025-01-31");
  EXPECT_EQ(to_iso(*resolve_date("+3d", today)), "2025-02-03");
  EXPECT_EQ(to_iso(*resolve_date("-1w", today)), "2025-01-24");
  EXPECT_EQ(to_iso(*resolve_date("+1m", today)), "2025-02-28");  // clamped
  EXPECT_EQ(to_iso(*resolve_date("-100y", today)), "1925-01-31");
  EXPECT_EQ(to_iso(*resolve_date("2025-05-05", today)), "2025-05-05");
  EXPECT_FALSE(resolve_date("3d", today));
  EXPECT_FALSE(resolve_date("+3x", today));
  EXPECT_FALSE(is_date_spec("tomorrow"));
  EXPECT_EQ(age_on({2000, 4, 1}, {2025, 3, 31}), 24);
  EXPECT_EQ(age_on({2000, 4, 1}, {2025, 4, 1}), 25);
  EXPECT_EQ(civil_from_days(days_from_civil({2024, 2, 29})), (Date{2024, 2, 29}));
}
