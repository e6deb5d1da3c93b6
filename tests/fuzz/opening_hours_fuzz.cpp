// libFuzzer target: arbitrary bytes as a resource's opening hours (what POST/PUT
// /api/resources take as "opening_hours"), through parse_opening_hours and, for hours it
// accepts, slot generation. Properties: only ApiError is thrown; accepted hours are sorted,
// within 00:00–24:00, non-overlapping and survive a round trip through to_json; every slot
// lies inside an interval and fits before its end.
#include <cstdint>
#include <cstdlib>

#include "core/errors.h"
#include "core/json.h"
#include "reservations/schedule.h"

using namespace mg::reservations;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mg::Json j = mg::Json::parse(reinterpret_cast<const char*>(data),
                               reinterpret_cast<const char*>(data) + size, nullptr, false);
  if (j.is_discarded()) return 0;
  WeeklyHours w;
  try {
    w = parse_opening_hours(j);
  } catch (const mg::ApiError&) {
    return 0;
  }
  for (const auto& day : w.days) {
    for (std::size_t i = 0; i < day.size(); ++i) {
      if (day[i].from_min < 0 || day[i].to_min > 24 * 60 || day[i].from_min >= day[i].to_min)
        std::abort();
      if (i > 0 && day[i].from_min < day[i - 1].to_min) std::abort();
    }
  }
  if (to_json(parse_opening_hours(to_json(w))) != to_json(w)) std::abort();
  ResourceCalendar cal;
  cal.weekly = w;
  cal.closed_on_holidays = size % 2 == 0;
  cal.slot_minutes = 5 + static_cast<int>(size % 120);
  // 2026-12-06 (Sunday) to 2026-12-12: every weekday once.
  for (unsigned d = 6; d <= 12; ++d) {
    Date date{std::chrono::year{2026}, std::chrono::month{12}, std::chrono::day{d}};
    int64_t midnight = jst_midnight_ms(date);
    for (int64_t s : slots_on(cal, date)) {
      int64_t minute = (s - midnight) / 60000;
      bool inside = false;
      for (const auto& i : w.days[std::chrono::weekday{std::chrono::sys_days{date}}.c_encoding()])
        inside |= minute >= i.from_min && minute + cal.slot_minutes <= i.to_min;
      if (!inside || !is_slot(cal, s)) std::abort();
    }
  }
  return 0;
}
