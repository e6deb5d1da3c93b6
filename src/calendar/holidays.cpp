#include "calendar/holidays.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <stdexcept>

namespace mg::calendar {

namespace {

using namespace std::chrono;

Date ymd(int y, unsigned m, unsigned d) { return Date{year{y}, month{m}, day{d}}; }

// The n-th given weekday of a month (Happy Monday days).
Date nth_weekday(int y, unsigned m, weekday wd, unsigned n) {
  return Date{sys_days{year_month_weekday{year{y}, month{m}, wd[n]}}};
}

// Equinox days by the formula the National Astronomical Observatory's announcements follow
// for 1900–2099 (truncating integer division, as the formula is usually given, matters for
// years before 1983).
unsigned vernal_equinox_day(int y) {
  double base = y < 1980 ? 20.8357 : 20.8431;
  int leap = y < 1980 ? (y - 1983) / 4 : (y - 1980) / 4;
  return static_cast<unsigned>(static_cast<int>(base + 0.242194 * (y - 1980)) - leap);
}
unsigned autumnal_equinox_day(int y) {
  double base = y < 1980 ? 23.2588 : 23.2488;
  int leap = y < 1980 ? (y - 1983) / 4 : (y - 1980) / 4;
  return static_cast<unsigned>(static_cast<int>(base + 0.242194 * (y - 1980)) - leap);
}

// The holidays named by the law (and the one-off laws) in a year, before 振替休日 and
// 国民の休日 are added.
std::map<sys_days, std::string> named_holidays(int y) {
  std::map<sys_days, std::string> h;
  auto add = [&](Date d, const char* name) { h[sys_days{d}] = name; };
  add(ymd(y, 1, 1), "元日");
  if (y <= 1999)
    add(ymd(y, 1, 15), "成人の日");
  else
    add(nth_weekday(y, 1, Monday, 2), "成人の日");
  if (y >= 1967) add(ymd(y, 2, 11), "建国記念の日");
  if (y >= 2020) add(ymd(y, 2, 23), "天皇誕生日");
  add(ymd(y, 3, vernal_equinox_day(y)), "春分の日");
  if (y <= 1988)
    add(ymd(y, 4, 29), "天皇誕生日");
  else if (y <= 2006)
    add(ymd(y, 4, 29), "みどりの日");
  else
    add(ymd(y, 4, 29), "昭和の日");
  add(ymd(y, 5, 3), "憲法記念日");
  if (y >= 2007) add(ymd(y, 5, 4), "みどりの日");
  add(ymd(y, 5, 5), "こどもの日");
  // 海の日: 1996 on 7/20, Happy Monday from 2003, moved for the Tokyo Olympics in 2020/2021.
  if (y == 2020)
    add(ymd(y, 7, 23), "海の日");
  else if (y == 2021)
    add(ymd(y, 7, 22), "海の日");
  else if (y >= 2003)
    add(nth_weekday(y, 7, Monday, 3), "海の日");
  else if (y >= 1996)
    add(ymd(y, 7, 20), "海の日");
  // 山の日 from 2016, moved in 2020/2021.
  if (y == 2020)
    add(ymd(y, 8, 10), "山の日");
  else if (y == 2021)
    add(ymd(y, 8, 8), "山の日");
  else if (y >= 2016)
    add(ymd(y, 8, 11), "山の日");
  if (y >= 2003)
    add(nth_weekday(y, 9, Monday, 3), "敬老の日");
  else if (y >= 1966)
    add(ymd(y, 9, 15), "敬老の日");
  add(ymd(y, 9, autumnal_equinox_day(y)), "秋分の日");
  // 体育の日 from 1966, Happy Monday from 2000, renamed スポーツの日 in 2020 (the Cabinet
  // Office lists 2019's as 「体育の日（スポーツの日）」), moved in 2020/2021.
  if (y == 2020)
    add(ymd(y, 7, 24), "スポーツの日");
  else if (y == 2021)
    add(ymd(y, 7, 23), "スポーツの日");
  else if (y >= 2022)
    add(nth_weekday(y, 10, Monday, 2), "スポーツの日");
  else if (y == 2019)
    add(nth_weekday(y, 10, Monday, 2), "体育の日（スポーツの日）");
  else if (y >= 2000)
    add(nth_weekday(y, 10, Monday, 2), "体育の日");
  else if (y >= 1966)
    add(ymd(y, 10, 10), "体育の日");
  add(ymd(y, 11, 3), "文化の日");
  add(ymd(y, 11, 23), "勤労感謝の日");
  if (y >= 1989 && y <= 2018) add(ymd(y, 12, 23), "天皇誕生日");
  // Days made holidays by their own laws.
  if (y == 1959) add(ymd(1959, 4, 10), "結婚の儀");
  if (y == 1989) add(ymd(1989, 2, 24), "大喪の礼");
  if (y == 1990) add(ymd(1990, 11, 12), "即位礼正殿の儀");
  if (y == 1993) add(ymd(1993, 6, 9), "結婚の儀");
  if (y == 2019) {
    add(ymd(2019, 5, 1), "休日（祝日扱い）");
    add(ymd(2019, 10, 22), "休日（祝日扱い）");
  }
  return h;
}

std::vector<Holiday> compute(int y) {
  auto named = named_holidays(y);
  auto all = named;
  // 振替休日 (from 1973-04-12): a holiday on a Sunday makes the next day a holiday; until
  // 2006 only that Monday (if not itself a holiday), from 2007 the next day that is not one.
  const sys_days substitute_from{ymd(1973, 4, 12)};
  for (const auto& [d, name] : named) {
    if (d < substitute_from || weekday{d} != Sunday) continue;
    sys_days next = d + days{1};
    if (y >= 2007)
      while (named.count(next)) next += days{1};
    else if (named.count(next))
      continue;
    if (Date{next}.year() == year{y}) all.emplace(next, "休日");
  }
  // 国民の休日 (from 1985-12-27): a day between two holidays; until 2006 not on a Sunday
  // nor on a 振替休日, from 2007 any day that is not itself a holiday.
  if (y >= 1986) {
    for (const auto& [d, name] : named) {
      sys_days mid = d + days{1};
      if (named.count(mid) || !named.count(mid + days{1})) continue;
      if (y <= 2006 && (weekday{mid} == Sunday || all.count(mid))) continue;
      all.emplace(mid, "休日");
    }
  }
  std::vector<Holiday> out;
  out.reserve(all.size());
  for (const auto& [d, name] : all) out.push_back({Date{d}, name});
  return out;
}

}  // namespace

std::vector<Holiday> holidays_in(int y) {
  if (y < kFirstYear || y > kLastYear)
    throw std::out_of_range("holidays are computed for " + std::to_string(kFirstYear) + "–" +
                            std::to_string(kLastYear));
  // Business-day arithmetic asks about the same few years again and again.
  static std::mutex mutex;
  static std::map<int, std::vector<Holiday>> cache;
  std::lock_guard lock(mutex);
  auto it = cache.find(y);
  if (it == cache.end()) it = cache.emplace(y, compute(y)).first;
  return it->second;
}

std::optional<std::string> holiday_name(Date date) {
  int y = static_cast<int>(date.year());
  if (y < kFirstYear || y > kLastYear) return std::nullopt;
  for (const auto& h : holidays_in(y))
    if (h.date == date) return h.name;
  return std::nullopt;
}

bool is_business_day(Date date) {
  auto wd = weekday{sys_days{date}};
  if (wd == Saturday || wd == Sunday) return false;
  unsigned m = static_cast<unsigned>(date.month()), d = static_cast<unsigned>(date.day());
  if ((m == 12 && d >= 29) || (m == 1 && d <= 3)) return false;
  return !holiday_name(date).has_value();
}

Date add_business_days(Date date, int n) {
  sys_days d{date};
  int step = n < 0 ? -1 : 1;
  for (int left = n < 0 ? -n : n; left > 0;) {
    d += days{step};
    if (is_business_day(Date{d})) --left;
  }
  return Date{d};
}

std::string format_cabinet_office(Date date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%d/%u/%u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buf;
}

std::string format_iso(Date date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buf;
}

}  // namespace mg::calendar
