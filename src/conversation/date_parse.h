#pragma once
// Dates as residents type them (西暦 and 和暦) and as staff write limits ("+3d", "today").
#include <optional>
#include <string>
#include <string_view>

namespace mg::conversation {

struct Date {
  int year = 0;
  int month = 0;
  int day = 0;
  auto operator<=>(const Date&) const = default;
};

bool is_valid_date(int year, int month, int day);

// "2025-04-01" only (strict; for stored values and Context::today).
std::optional<Date> parse_iso_date(std::string_view s);

// Resident input: 2025-04-01, 2025/4/1, 2025年4月1日, 20250401, 令和7年4月1日, 令和元年5月1日,
// R7.4.1, R7/4/1, H31.4.30, 平成/昭和/大正/明治, full-width digits. Rejects impossible dates and
// era years outside the era (平成31年5月1日, 令和1年4月30日).
std::optional<Date> parse_date(std::string_view s);

// Limits in definitions: ISO date, "today", or relative "+3d", "-100y", "+2w", "+1m".
std::optional<Date> resolve_date(std::string_view spec, const Date& today);
bool is_date_spec(std::string_view spec);

std::string to_iso(const Date& d);
// 令和7年4月1日 / 令和元年5月1日; before Meiji falls back to 西暦 "1860年1月1日".
std::string to_wareki(const Date& d);

// "例：令和8年11月30日、2026/11/30" for the given ISO day (today, so the example is never a date
// in the past); a fixed date when today is not a valid ISO date.
std::string date_examples(std::string_view today_iso);

int64_t days_from_civil(const Date& d);
Date civil_from_days(int64_t days);
Date add_days(const Date& d, int64_t n);
// Clamps the day to the month's end (1/31 + 1 month = 2/28).
Date add_months(const Date& d, int n);

// Full years between birth and today (birthday counts from the day itself).
int age_on(const Date& birth, const Date& today);

}  // namespace mg::conversation
