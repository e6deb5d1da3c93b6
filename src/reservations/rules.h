#pragma once
// The booking rules of a resource that depend only on the calendar and the time: the booking
// window, lead times (in hours or in business days) and the resident's counting period.
// Pure: no clock, no database; the ledger applies them inside the booking transaction.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/json.h"
#include "reservations/schedule.h"

namespace mg::reservations {

enum class WindowMode {
  days,          // up to window_days after today
  month_before,  // a month's slots open on the 1st of the month before (00:00 JST)
};
enum class LeadUnit { hours, business_days };
enum class PeriodUnit { week, month };  // calendar week (Mon–Sun) or month, in JST

struct Lead {
  int amount = 0;  // 0 = no lead time
  LeadUnit unit = LeadUnit::hours;
};

std::string to_string(WindowMode m);
std::string to_string(LeadUnit u);
std::string to_string(PeriodUnit u);
std::optional<WindowMode> window_mode_of(const std::string& s);
std::optional<LeadUnit> lead_unit_of(const std::string& s);
std::optional<PeriodUnit> period_unit_of(const std::string& s);

// A resource's rule settings as staff send them (POST/PUT /api/resources):
//   "window_mode": "days"|"month_before", "book_lead"/"cancel_lead": {"amount": 0..8760,
//   "unit": "hours"|"business_days"}, "period_limit": 0..1000, "period_unit": "week"|"month",
//   "max_slots": 1..48, "waitlist_hold_minutes": 0..10080.
struct RuleSettings {
  WindowMode window_mode = WindowMode::days;
  Lead book_lead, cancel_lead;
  int period_limit = 0;
  PeriodUnit period_unit = PeriodUnit::month;
  int max_slots = 1;
  int waitlist_hold_minutes = 0;
};
// Reads the fields above from a JSON object; an absent (or null) field keeps `base`'s value,
// so a client that predates a field does not reset it. Throws ApiError 400 (naming the
// field, message in Japanese) on anything else.
RuleSettings parse_rule_settings(const Json& body, const RuleSettings& base);
// The fields above as an object (parse_rule_settings reads it back unchanged).
Json to_json(const RuleSettings& s);

// Why a resident may not book the slot yet (or any more) under the window, or nullopt.
// Slots that began are refused too.
std::optional<std::string> window_refusal(WindowMode mode, int window_days, int64_t slot_start,
                                          int64_t now_ms);
// The first day the window opens for a slot's day under month_before: the 1st of the month
// before.
Date month_before_opening(Date slot_day);

// A business day for lead times: a day the town hall is open (no weekend, national holiday or
// 12/29–1/3) that is not one of the resource's closed special days.
bool is_business_day(const ResourceCalendar& cal, Date d);
// The first day at least n business days after `today` (n = 0: today).
Date business_days_after(const ResourceCalendar& cal, Date today, int n);
// Whether `slot_start` is far enough ahead of now under the lead.
bool lead_met(const Lead& lead, const ResourceCalendar& cal, int64_t slot_start, int64_t now_ms);
// 「2 開庁日前」「24 時間前」
std::string lead_text(const Lead& lead);

// [from, to) in ms of the week or month that contains the day.
std::pair<int64_t, int64_t> period_range(PeriodUnit unit, Date day);
std::string period_text(PeriodUnit unit);  // 「1 週間」「1 か月」

// The starts of `count` consecutive slots from `first`: each starts where the previous ends
// and is a slot of the calendar (so a lunch break or the day's end breaks the run). nullopt
// when they are not all slots.
std::optional<std::vector<int64_t>> consecutive_slots(const ResourceCalendar& cal, int64_t first,
                                                      int count);

}  // namespace mg::reservations
