#include "calendar/holidays.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

namespace mg::calendar {
namespace {

using namespace std::chrono;

std::string data_path(const std::string& name) {
  return std::string(MG_SOURCE_DIR) + "/tests/data/holidays/" + name;
}

// date -> name, from a "date,name" CSV (the header line, if any, skipped).
std::map<std::string, std::string> read_list(const std::string& name) {
  std::ifstream in(data_path(name));
  EXPECT_TRUE(in) << name;
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    auto comma = line.find(',');
    if (comma == std::string::npos || line[0] < '0' || line[0] > '9') continue;
    out[line.substr(0, comma)] = line.substr(comma + 1);
  }
  return out;
}

std::map<std::string, std::string> computed(int from, int to, bool iso) {
  std::map<std::string, std::string> out;
  for (int y = from; y <= to; ++y)
    for (const auto& h : holidays_in(y))
      out[iso ? format_iso(h.date) : format_cabinet_office(h.date)] = h.name;
  return out;
}

TEST(Holidays, EqualTheCabinetOfficeList1955To2027) {
  auto official = read_list("syukujitsu.csv");
  ASSERT_GT(official.size(), 1000u);
  auto ours = computed(1955, 2027, false);
  for (const auto& [date, name] : official) {
    auto it = ours.find(date);
    if (it == ours.end())
      ADD_FAILURE() << "missing " << date << " " << name;
    else
      EXPECT_EQ(it->second, name) << date;
  }
  for (const auto& [date, name] : ours)
    EXPECT_TRUE(official.count(date))
        << "not a holiday in the official list: " << date << " " << name;
}

TEST(Holidays, EqualAnIndependentProjection2028To2050) {
  auto projected = read_list("holiday_jp_2028_2050.csv");
  ASSERT_GT(projected.size(), 400u);
  auto ours = computed(2028, 2050, true);
  EXPECT_EQ(ours.size(), projected.size());
  for (const auto& [date, name] : projected) {
    auto it = ours.find(date);
    if (it == ours.end()) {
      ADD_FAILURE() << "missing " << date << " " << name;
      continue;
    }
    // holiday_jp writes substitute holidays as 「元日 振替休日」, the Cabinet Office as 「休日」.
    bool substitute = name.find("振替休日") != std::string::npos || name == "休日";
    if (substitute)
      EXPECT_EQ(it->second, "休日") << date;
    else
      EXPECT_EQ(it->second, name) << date;
  }
}

TEST(Holidays, RulesAtTheirBoundaries) {
  auto name = [](int y, unsigned m, unsigned d) {
    return holiday_name(year_month_day{year{y}, month{m}, day{d}}).value_or("");
  };
  // 振替休日 began on 1973-04-12: 1973-04-29 was a Sunday, 04-30 the first one.
  EXPECT_EQ(name(1973, 4, 30), "休日");
  // 1972-01-15 was... a Saturday; no substitute before the law anyway: 1967-01-15 Sunday.
  EXPECT_EQ(name(1967, 1, 16), "");
  // 2007 rule: the substitute moves past a run of holidays (2008-05-04 Sunday -> 05-06).
  EXPECT_EQ(name(2008, 5, 6), "休日");
  // 国民の休日 between 敬老の日 and 秋分の日 (2009-09-22, 2026-09-22).
  EXPECT_EQ(name(2009, 9, 22), "休日");
  EXPECT_EQ(name(2026, 9, 22), "休日");
  // 2019: the accession, and no 天皇誕生日 that year.
  EXPECT_EQ(name(2019, 5, 1), "休日（祝日扱い）");
  EXPECT_EQ(name(2019, 12, 23), "");
  EXPECT_EQ(name(2018, 12, 24), "休日");
  // Out of range years are not holidays rather than errors for date checks.
  EXPECT_EQ(name(1900, 1, 1), "");
  EXPECT_THROW(holidays_in(1948), std::out_of_range);
  EXPECT_THROW(holidays_in(2100), std::out_of_range);
}

TEST(BusinessDays, SkipWeekendsHolidaysAndTheNewYearClosing) {
  auto d = [](int y, unsigned m, unsigned dd) {
    return year_month_day{year{y}, month{m}, day{dd}};
  };
  EXPECT_TRUE(is_business_day(d(2026, 11, 30)));   // Monday
  EXPECT_FALSE(is_business_day(d(2026, 11, 28)));  // Saturday
  EXPECT_FALSE(is_business_day(d(2026, 11, 23)));  // 勤労感謝の日 (Monday)
  EXPECT_FALSE(is_business_day(d(2026, 12, 29)));  // 年末年始
  EXPECT_FALSE(is_business_day(d(2027, 1, 3)));
  EXPECT_FALSE(is_business_day(d(2027, 1, 1)));
  // Friday 2026-12-25 + 1 business day: 12/28 (Mon); + 2: 2027-01-04 (Mon, after the closing).
  EXPECT_EQ(add_business_days(d(2026, 12, 25), 1), d(2026, 12, 28));
  EXPECT_EQ(add_business_days(d(2026, 12, 25), 2), d(2027, 1, 4));
  EXPECT_EQ(add_business_days(d(2027, 1, 4), -1), d(2026, 12, 28));
  // Golden Week 2026: 4/29 Wed holiday, 5/3 Sun, 5/4, 5/5, 5/6 (substitute).
  EXPECT_EQ(add_business_days(d(2026, 5, 1), 1), d(2026, 5, 7));
  EXPECT_EQ(add_business_days(d(2026, 5, 2), 0), d(2026, 5, 2));
}

}  // namespace
}  // namespace mg::calendar
