#pragma once
// Calendar rules for recurring schedules ("毎月第2火曜日 9:00", "開庁日の 8:30"), evaluated in
// Japan Standard Time (UTC+9, no daylight saving). Pure: no clock, no database.
//
// A rule is one pattern (kind) at one time of day, narrowed by an optional day filter
// (weekdays / business days), a start and end date and exclusion dates. An occurrence is a
// date that matches every one of them; a date the filter or an exclusion removes is skipped,
// not moved. Monthly dates follow RFC 5545: the 31st is skipped in a 30-day month (and the
// 29th–31st in February); staff who want the last day of every month write "last" (末日).
//
// JSON form (what the console sends and schedules.rule stores):
//   {"kind": "daily", "time": "09:00", "days": "all" | "weekdays" | "business_days"}
//   {"kind": "weekly", "weekdays": ["mon", "thu"], "time": "08:30"}
//   {"kind": "monthly", "dates": [1, 15, "last"], "time": "09:00"}
//   {"kind": "nth_weekday", "nth": [{"week": 2, "weekday": "tue"},
//                                   {"week": "last", "weekday": "fri"}], "time": "09:00"}
//   {"kind": "every_n_days", "interval": 3, "start": "2026-04-01", "time": "07:00"}
//   {"kind": "every_n_weeks", "interval": 2, "weekdays": ["wed"], "start": "2026-04-01",
//    "time": "07:00"}
// and on any kind: "days" (default "all"), "start", "end" (inclusive, YYYY-MM-DD, JST) and
// "exclude": ["YYYY-MM-DD", ...].
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "calendar/holidays.h"
#include "core/json.h"

namespace mg::calendar {

enum class RecurrenceKind { daily, weekly, monthly, nth_weekday, every_n_days, every_n_weeks };
enum class DayFilter { all, weekdays, business_days };

inline constexpr int kLastDay = -1;   // in Recurrence::dates: 末日
inline constexpr int kLastWeek = -1;  // in NthWeekday::week: 最終

struct NthWeekday {
  int week = 1;     // 1..5, or kLastWeek
  int weekday = 0;  // 0 = Sunday .. 6 = Saturday (std::chrono::weekday::c_encoding)
  bool operator==(const NthWeekday&) const = default;
};

struct Recurrence {
  RecurrenceKind kind = RecurrenceKind::daily;
  int hour = 9, minute = 0;  // JST
  DayFilter days = DayFilter::all;
  std::vector<int> weekdays;       // weekly, every_n_weeks: sorted, unique, 0..6
  std::vector<int> dates;          // monthly: sorted, unique, 1..31 or kLastDay
  std::vector<NthWeekday> nth;     // nth_weekday
  int interval = 1;                // every_n_days (1..366), every_n_weeks (1..52)
  std::optional<Date> start, end;  // start is required for every_n_*
  std::vector<Date> exclude;       // sorted, unique
  bool operator==(const Recurrence&) const = default;
};

// A rule that cannot be used; message is Japanese for staff, field a JSON path ("time").
struct InvalidRecurrence : std::invalid_argument {
  InvalidRecurrence(std::string field, const std::string& message)
      : std::invalid_argument(message), field(std::move(field)) {}
  std::string field;
};

// Bounds on what a rule may hold, so a stored rule stays small and next_after stays cheap.
inline constexpr size_t kMaxExcludedDates = 366;
inline constexpr size_t kMaxNth = 10;

// Throws InvalidRecurrence on anything unknown, missing, out of range or contradictory (an
// end before the start, a rule that can never occur).
Recurrence parse_recurrence(const Json& j);
// The canonical JSON form; parse_recurrence(to_json(r)) == r.
Json to_json(const Recurrence& r);

// The first occurrence strictly after t_ms (Unix ms), or nullopt when there is none left
// (past the end date, or none within the next 10 years).
std::optional<int64_t> next_after(const Recurrence& r, int64_t t_ms);

// Whether the rule occurs on that JST date (ignoring the time of day).
bool occurs_on(const Recurrence& r, Date d);

// For staff: 「毎月第2火曜日 9:00」, 「開庁日 8:30」, 「毎月1日・末日 9:00（2026年4月1日から）」.
std::string describe(const Recurrence& r);

// JST helpers: the JST date of an instant, and the instant of a JST date and time.
Date jst_date(int64_t t_ms);
int64_t jst_instant(Date d, int hour, int minute);

}  // namespace mg::calendar
