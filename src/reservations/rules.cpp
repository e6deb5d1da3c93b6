#include "reservations/rules.h"

#include <algorithm>

#include "calendar/holidays.h"
#include "core/errors.h"

namespace mg::reservations {

namespace chr = std::chrono;

std::string to_string(WindowMode m) {
  switch (m) {
    case WindowMode::days:
      return "days";
    case WindowMode::month_before:
      return "month_before";
  }
  return "days";
}

std::string to_string(LeadUnit u) {
  switch (u) {
    case LeadUnit::hours:
      return "hours";
    case LeadUnit::business_days:
      return "business_days";
  }
  return "hours";
}

std::string to_string(PeriodUnit u) {
  switch (u) {
    case PeriodUnit::week:
      return "week";
    case PeriodUnit::month:
      return "month";
  }
  return "month";
}

std::optional<WindowMode> window_mode_of(const std::string& s) {
  if (s == "days") return WindowMode::days;
  if (s == "month_before") return WindowMode::month_before;
  return std::nullopt;
}

std::optional<LeadUnit> lead_unit_of(const std::string& s) {
  if (s == "hours") return LeadUnit::hours;
  if (s == "business_days") return LeadUnit::business_days;
  return std::nullopt;
}

std::optional<PeriodUnit> period_unit_of(const std::string& s) {
  if (s == "week") return PeriodUnit::week;
  if (s == "month") return PeriodUnit::month;
  return std::nullopt;
}

namespace {

int bounded_int(const Json& body, const char* key, int min, int max, int fallback,
                const std::string& label) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_number_integer() || it->get<int64_t>() < min || it->get<int64_t>() > max)
    throw ApiError::bad_request(
        label + "は " + std::to_string(min) + "〜" + std::to_string(max) + " の整数です", key);
  return static_cast<int>(it->get<int64_t>());
}

template <typename T>
T word(const Json& body, const char* key, T fallback, std::optional<T> (*parse)(const std::string&),
       const std::string& message) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fallback;
  auto v = it->is_string() ? parse(it->get<std::string>()) : std::nullopt;
  if (!v) throw ApiError::bad_request(message, key);
  return *v;
}

Lead lead(const Json& body, const char* key, Lead fallback, const std::string& label) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_object())
    throw ApiError::bad_request(label + "は {\"amount\": 2, \"unit\": \"business_days\"} の形です",
                                key);
  Lead out;
  auto amount = it->find("amount");
  if (amount == it->end() || !amount->is_number_integer() || amount->get<int64_t>() < 0 ||
      amount->get<int64_t>() > 8760)
    throw ApiError::bad_request(label + "の amount は 0〜8760 の整数です", key);
  out.amount = static_cast<int>(amount->get<int64_t>());
  out.unit = word(*it, "unit", LeadUnit::hours, &lead_unit_of,
                  label + "の単位は hours か business_days です");
  return out;
}

}  // namespace

RuleSettings parse_rule_settings(const Json& body, const RuleSettings& base) {
  if (!body.is_object()) throw ApiError::bad_request("設定はオブジェクトで送ってください");
  RuleSettings r;
  r.window_mode = word(body, "window_mode", base.window_mode, &window_mode_of,
                       "受付期間の決め方は days か month_before です");
  r.book_lead = lead(body, "book_lead", base.book_lead, "予約の締切");
  r.cancel_lead = lead(body, "cancel_lead", base.cancel_lead, "取り消しの締切");
  r.period_limit =
      bounded_int(body, "period_limit", 0, 1000, base.period_limit, "期間あたりの上限");
  r.period_unit = word(body, "period_unit", base.period_unit, &period_unit_of,
                       "上限の期間は week か month です");
  r.max_slots = bounded_int(body, "max_slots", 1, 48, base.max_slots, "続けて取れる枠の数");
  r.waitlist_hold_minutes =
      bounded_int(body, "waitlist_hold_minutes", 0, 10080, base.waitlist_hold_minutes,
                  "キャンセル待ちの確保時間（分）");
  return r;
}

Json to_json(const RuleSettings& s) {
  return {
      {"window_mode", to_string(s.window_mode)},
      {"book_lead", {{"amount", s.book_lead.amount}, {"unit", to_string(s.book_lead.unit)}}},
      {"cancel_lead", {{"amount", s.cancel_lead.amount}, {"unit", to_string(s.cancel_lead.unit)}}},
      {"period_limit", s.period_limit},
      {"period_unit", to_string(s.period_unit)},
      {"max_slots", s.max_slots},
      {"waitlist_hold_minutes", s.waitlist_hold_minutes}};
}

Date month_before_opening(Date slot_day) {
  auto ym = chr::year_month{slot_day.year(), slot_day.month()} - chr::months{1};
  return Date{ym.year(), ym.month(), chr::day{1}};
}

std::optional<std::string> window_refusal(WindowMode mode, int window_days, int64_t slot_start,
                                          int64_t now_ms) {
  if (slot_start <= now_ms) return "過ぎた時刻は予約できません";
  switch (mode) {
    case WindowMode::days:
      if (in_window(slot_start, now_ms, window_days)) return std::nullopt;
      return std::to_string(window_days) + " 日先までしか予約できません";
    case WindowMode::month_before: {
      Date day = jst_date(slot_start);
      Date opens = month_before_opening(day);
      if (jst_date(now_ms) >= opens) return std::nullopt;
      return std::to_string(static_cast<unsigned>(day.month())) + "月の予約は " +
             format_date(opens) + " から受け付けます（利用月の前月 1 日から）";
    }
  }
  return "予約の受付期間ではありません";
}

bool is_business_day(const ResourceCalendar& cal, Date d) {
  if (!calendar::is_business_day(d)) return false;
  return std::none_of(cal.special.begin(), cal.special.end(), [&](const SpecialDay& s) {
    return s.date == d && (s.closed || s.hours.empty());
  });
}

Date business_days_after(const ResourceCalendar& cal, Date today, int n) {
  Date d = today;
  // Bounded: even a resource closed for a year of special days ends the walk.
  for (int counted = 0, steps = 0; counted < n && steps < 3660; ++steps) {
    d = Date{chr::sys_days{d} + chr::days{1}};
    if (is_business_day(cal, d)) ++counted;
  }
  return d;
}

bool lead_met(const Lead& lead, const ResourceCalendar& cal, int64_t slot_start, int64_t now_ms) {
  if (lead.amount <= 0) return true;
  switch (lead.unit) {
    case LeadUnit::hours:
      return slot_start - now_ms >= int64_t{lead.amount} * 3600 * 1000;
    case LeadUnit::business_days:
      return jst_date(slot_start) >= business_days_after(cal, jst_date(now_ms), lead.amount);
  }
  return false;
}

std::string lead_text(const Lead& lead) {
  switch (lead.unit) {
    case LeadUnit::hours:
      return std::to_string(lead.amount) + " 時間前";
    case LeadUnit::business_days:
      return std::to_string(lead.amount) + " 開庁日前（土日祝・年末年始・休館日を除く）";
  }
  return "";
}

std::pair<int64_t, int64_t> period_range(PeriodUnit unit, Date day) {
  switch (unit) {
    case PeriodUnit::week: {
      chr::sys_days d{day};
      // Monday-based: c_encoding is 0 for Sunday.
      int back = (chr::weekday{d}.c_encoding() + 6) % 7;
      Date monday{d - chr::days{back}};
      int64_t from = jst_midnight_ms(monday);
      return {from, from + int64_t{7} * 24 * 3600 * 1000};
    }
    case PeriodUnit::month: {
      Date first{day.year(), day.month(), chr::day{1}};
      auto next = chr::year_month{day.year(), day.month()} + chr::months{1};
      return {jst_midnight_ms(first),
              jst_midnight_ms(Date{next.year(), next.month(), chr::day{1}})};
    }
  }
  return {0, 0};
}

std::string period_text(PeriodUnit unit) {
  switch (unit) {
    case PeriodUnit::week:
      return "1 週間（月〜日）";
    case PeriodUnit::month:
      return "1 か月";
  }
  return "";
}

std::optional<std::vector<int64_t>> consecutive_slots(const ResourceCalendar& cal, int64_t first,
                                                      int count) {
  if (count < 1) return std::nullopt;
  std::vector<int64_t> out;
  int64_t step = int64_t{cal.slot_minutes} * 60000;
  for (int i = 0; i < count; ++i) {
    int64_t s = first + step * i;
    if (!is_slot(cal, s)) return std::nullopt;
    out.push_back(s);
  }
  return out;
}

}  // namespace mg::reservations
