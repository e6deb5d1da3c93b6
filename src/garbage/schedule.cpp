#include "garbage/schedule.h"

#include <algorithm>

namespace mg::garbage {

namespace chr = std::chrono;

bool falls_on(const Collection& c, Date date) {
  unsigned month = static_cast<unsigned>(date.month());
  if (!c.months.empty() && std::find(c.months.begin(), c.months.end(), month) == c.months.end())
    return false;
  chr::sys_days day{date};
  chr::weekday wd{day};
  for (const auto& r : c.days) {
    switch (r.kind) {
      case DayRule::Kind::weekly:
        if (wd == r.weekday) return true;
        break;
      case DayRule::Kind::nth:
        if (wd == r.weekday && (static_cast<unsigned>(date.day()) - 1) / 7 + 1 == r.nth)
          return true;
        break;
      case DayRule::Kind::date:
        if (date == r.date) return true;
        break;
      case DayRule::Kind::biweekly: {
        auto diff = (day - chr::sys_days{r.date}).count();
        if (diff >= 0 && diff % 14 == 0) return true;
        break;
      }
    }
  }
  return false;
}

namespace {

bool closed(const GarbageCalendar& cal, const Area& area, chr::sys_days day) {
  if (area.center.empty()) return false;
  for (const auto& c : cal.closures)
    if (c.center == area.center && day >= chr::sys_days{c.from} && day <= chr::sys_days{c.to})
      return true;
  return false;
}

}  // namespace

std::vector<std::string> collected_on(const GarbageCalendar& cal, const Area& area, Date date) {
  std::vector<std::string> out;
  chr::sys_days day{date};
  if (closed(cal, area, day)) return out;
  auto add_from = [&](chr::sys_days from) {
    for (std::size_t i = 0; i < area.collections.size() && i < cal.categories.size(); ++i)
      if (falls_on(area.collections[i], Date{from}) &&
          std::find(out.begin(), out.end(), cal.categories[i].label) == out.end())
        out.push_back(cal.categories[i].label);
  };
  add_from(day);
  // A closure moves its collections a week later; a long closure (年末年始 over two weeks)
  // moves them to the first open week.
  for (int weeks = 1; weeks <= 8 && closed(cal, area, day - chr::days{7 * weeks}); ++weeks)
    add_from(day - chr::days{7 * weeks});
  return out;
}

}  // namespace mg::garbage
