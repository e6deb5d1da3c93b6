#include "reservations/notices.h"

#include <gtest/gtest.h>

#include <set>

using namespace mg::reservations;

TEST(CheckinCode, FreshCodesAreCrockfordAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto c = new_checkin_code();
    ASSERT_EQ(c.size(), 16u);
    EXPECT_EQ(c.find_first_not_of("0123456789ABCDEFGHJKMNPQRSTVWXYZ"), std::string::npos) << c;
    EXPECT_EQ(parse_checkin_code(format_checkin_code(c)), c);
    seen.insert(c);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(CheckinCode, ParsesWhatStaffType) {
  EXPECT_EQ(parse_checkin_code("ABCD-EFGH-JKMN-PQRS"), "ABCDEFGHJKMNPQRS");
  EXPECT_EQ(parse_checkin_code(" abcd efgh jkmn pqrs "), "ABCDEFGHJKMNPQRS");
  // Crockford: I and L read as 1, O as 0.
  EXPECT_EQ(parse_checkin_code("ilo0-ILO0-1234-5678"), "1100110012345678");
  for (const char* bad : {"", "ABC", "ABCD-EFGH-JKMN-PQR", "ABCD-EFGH-JKMN-PQRSX",
                          "UUUU-UUUU-UUUU-UUUU", "ABCD_EFGH_JKMN_PQRS", "ＡＢＣＤ-EFGH-JKMN-PQRS"})
    EXPECT_FALSE(parse_checkin_code(bad)) << bad;
  EXPECT_FALSE(parse_checkin_code(std::string(300, '-')));
}

TEST(CheckinCode, PinsAreSixDigits) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto p = new_pin();
    ASSERT_EQ(p.size(), 6u);
    EXPECT_EQ(p.find_first_not_of("0123456789"), std::string::npos);
    seen.insert(p);
  }
  EXPECT_GT(seen.size(), 190u);
}

TEST(CheckinCode, QrImages) {
  auto svg = qr_svg("ABCDEFGHJKMNPQRS");
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
  EXPECT_NE(svg.find("aria-label=\"受付用QRコード\""), std::string::npos);
  auto png = qr_png("ABCDEFGHJKMNPQRS");
  ASSERT_GT(png.size(), 100u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_EQ(png.substr(png.size() - 8, 4), "IEND");
}

TEST(Reminder, DueTheDayBeforeAtTheResourceTime) {
  Resource r;  // default: the day before at 18:00
  auto slot =
      jst_midnight_ms(Date{std::chrono::year{2026}, std::chrono::month{12}, std::chrono::day{3}}) +
      10 * 3600000;
  auto day_before =
      jst_midnight_ms(Date{std::chrono::year{2026}, std::chrono::month{12}, std::chrono::day{2}});
  EXPECT_EQ(reminder_due(r, slot), day_before + 18 * 3600000);
  r.reminder_days_before = 0;
  r.reminder_time = "08:30";
  EXPECT_EQ(reminder_due(r, slot), day_before + 24 * 3600000 + 8 * 3600000 + 30 * 60000);
  r.reminder_days_before = -1;
  EXPECT_FALSE(reminder_due(r, slot));
  for (const char* bad : {"24:00", "8:00", "08:60", "0800", "", "ab:cd"})
    EXPECT_FALSE(valid_reminder_time(bad)) << bad;
  EXPECT_TRUE(valid_reminder_time("00:00"));
  EXPECT_TRUE(valid_reminder_time("23:59"));
}
