#pragma once
// Japan's national holidays (国民の祝日に関する法律) computed by rule for any year from 1949
// to 2099, with the law's changes over the years, and the business days a town hall keeps.
// Pure: no clock, no database. Names follow the Cabinet Office's published list
// (syukujitsu.csv), where substitute holidays and citizens' holidays are both 「休日」.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace mg::calendar {

using Date = std::chrono::year_month_day;

struct Holiday {
  Date date;
  std::string name;
};

// The first and last year computed. Before 1949 the law was not in force for a whole year;
// after 2099 the equinox formula the Cabinet Office's projections use no longer holds.
inline constexpr int kFirstYear = 1949;
inline constexpr int kLastYear = 2099;

// Every holiday of a year, in date order. Throws std::out_of_range outside the years above.
std::vector<Holiday> holidays_in(int year);

// The holiday's name on that date, if it is one.
std::optional<std::string> holiday_name(Date date);

// Town halls close on weekends, national holidays and 12/29–1/3 (地方自治法 4条の2 and the
// municipalities' ordinances on closing days). Days outside kFirstYear..kLastYear are treated
// as weekdays with no holidays.
bool is_business_day(Date date);

// The date n business days after (n > 0) or before (n < 0) the given date; n == 0 returns
// the date itself even if it is not a business day.
Date add_business_days(Date date, int n);

// "YYYY/M/D" as the Cabinet Office writes dates; "YYYY-MM-DD" for ISO.
std::string format_cabinet_office(Date date);
std::string format_iso(Date date);

}  // namespace mg::calendar
