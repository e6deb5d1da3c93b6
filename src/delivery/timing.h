#pragma once
// When a campaign goes out (issue 13, "Timing"): now, once at a JST date and time, on a
// calendar rule (calendar/recurrence), or on a life-stage trigger — every day at a time, to
// the residents whose date attribute plus an offset is that day ("a child reaches 4 months":
// child_birth_date + 4 months; "pregnancy week 20": due_date − 140 days). Pure: no clock, no
// database; JST is UTC+9 all year, so there is no DST gap or repeated hour to handle.
//
// JSON form (PUT /api/campaigns/{id}/timing):
//   {"kind": "now"}
//   {"kind": "at", "at": "2026-12-24T09:30"}                       JST
//   {"kind": "recurring", "rule": {…calendar/recurrence.h…}}
//   {"kind": "lifestage", "attribute": "child_birth_date", "months": 4, "days": 0,
//    "time": "09:00"}
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "calendar/recurrence.h"
#include "core/json.h"

namespace mg::delivery {

enum class TimingKind { now, at, recurring, lifestage };

struct Timing {
  TimingKind kind = TimingKind::now;
  int64_t at_ms = 0;          // at
  calendar::Recurrence rule;  // recurring
  std::string attribute;      // lifestage: a date attribute's key
  int months = 0, days = 0;   // lifestage: date + months (clamped to the month's end) + days
  int hour = 9, minute = 0;   // lifestage: when, JST
};

// Message in Japanese for staff, field a JSON path ("rule.time", "at").
struct InvalidTiming : std::invalid_argument {
  InvalidTiming(std::string field, const std::string& message)
      : std::invalid_argument(message), field(std::move(field)) {}
  std::string field;
};

inline constexpr int kMaxLifestageMonths = 240;
inline constexpr int kMaxLifestageDays = 400;

Timing parse_timing(const Json& j);
Json to_json(const Timing& t);
std::string describe(const Timing& t);  // 「2026年12月24日 9:30」「毎月1日 9:00」…

// The first occurrence at or after `from_ms` (when the campaign is released): for "at" the
// instant itself even when it has passed (it then goes out at once); nullopt for "now".
std::optional<int64_t> first_occurrence(const Timing& t, int64_t from_ms);
// The occurrence after `t_ms`; nullopt when none is left (and always for "at"/"now").
std::optional<int64_t> next_occurrence(const Timing& t, int64_t t_ms);
// The latest occurrence at or before `now_ms`, starting from a due one: after downtime only
// the last missed occurrence goes out, not every one (life-stage: due_ms, each day in turn).
int64_t latest_due(const Timing& t, int64_t due_ms, int64_t now_ms);
// The occurrence's unique key within its campaign: the JST minute, "2026-12-24T09:30".
std::string occurrence_key(int64_t occurrence_ms);

// d plus months (the day clamped to the last of the target month) plus days.
calendar::Date add_offset(calendar::Date d, int months, int days);
// Every date x with add_offset(x, months, days) == target, ascending (several at month ends:
// 10/29, 10/30 and 10/31 all reach 4 months on 2/28 of a common year).
std::vector<calendar::Date> dates_reaching(calendar::Date target, int months, int days);

}  // namespace mg::delivery
