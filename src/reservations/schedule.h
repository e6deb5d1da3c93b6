#pragma once
// A resource's calendar: weekly opening hours, special days (closures, special hours) and
// national holidays, turned into bookable slots. Pure: no clock, no database. Times are JST
// (no DST, so +9 h is exact); slot starts are Unix milliseconds.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"

namespace mg::reservations {

using Date = std::chrono::year_month_day;

struct Interval {
  int from_min = 0;  // minutes after midnight
  int to_min = 0;    // exclusive
};

// Index 0 = Sunday (std::chrono::weekday::c_encoding).
struct WeeklyHours {
  std::array<std::vector<Interval>, 7> days;
};

struct SpecialDay {
  Date date;
  bool closed = true;  // closed all day; otherwise `hours` replace the weekly hours
  std::vector<Interval> hours;
  std::string note;
};

struct ResourceCalendar {
  WeeklyHours weekly;
  int slot_minutes = 30;
  bool closed_on_holidays = true;
  std::vector<SpecialDay> special;
};

// {"mon":[["09:00","12:00"],["13:00","17:00"]], "tue": [...], ...}: keys mon..sun, at most
// 8 intervals a day, "HH:MM" from 00:00 to 24:00, each from < to, not overlapping. Throws
// ApiError 400 (field "opening_hours") on anything else.
WeeklyHours parse_opening_hours(const Json& j);
Json to_json(const WeeklyHours& w);
// One day's intervals [["09:00","12:00"], ...]; field names the error.
std::vector<Interval> parse_intervals(const Json& j, const std::string& field);
Json intervals_json(const std::vector<Interval>& v);

// "YYYY-MM-DD"; nullopt for anything else.
std::optional<Date> parse_date(const std::string& s);
std::string format_date(Date d);
// "YYYY-MM-DDTHH:MM" in JST <-> Unix ms; nullopt for anything else.
std::optional<int64_t> parse_slot(const std::string& s);
std::string format_slot(int64_t start_ms);

Date jst_date(int64_t ms);
int64_t jst_midnight_ms(Date d);

// Why a day has no slots, or nullopt when it is open.
std::optional<std::string> closed_reason(const ResourceCalendar& cal, Date d);
// The slot starts of one day, in order. A slot that does not fit before an interval's end
// is not offered.
std::vector<int64_t> slots_on(const ResourceCalendar& cal, Date d);
bool is_slot(const ResourceCalendar& cal, int64_t start_ms);

// The booking window: from now (exclusive) to the end of the day window_days after today.
bool in_window(int64_t start_ms, int64_t now_ms, int window_days);

}  // namespace mg::reservations
