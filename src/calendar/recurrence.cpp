#include "calendar/recurrence.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace mg::calendar {

using namespace std::chrono;

namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kJstOffsetMs = 9 * 3'600'000;
// next_after looks this far ahead; any valid rule without an end occurs well within it.
constexpr int kHorizonDays = 3660;
// Instants beyond these (years -9999..9999 and then some) are not calendar instants.
constexpr int64_t kMinMs = -300'000'000'000'000;
constexpr int64_t kMaxMs = 250'000'000'000'000;

constexpr std::array<const char*, 7> kWeekdayKeys{"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
constexpr std::array<const char*, 7> kWeekdayJa{"日", "月", "火", "水", "木", "金", "土"};

[[noreturn]] void fail(const std::string& field, const std::string& message) {
  throw InvalidRecurrence(field, message);
}

std::optional<Date> parse_iso(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  int y = std::stoi(s.substr(0, 4));
  unsigned m = static_cast<unsigned>(std::stoi(s.substr(5, 2)));
  unsigned d = static_cast<unsigned>(std::stoi(s.substr(8, 2)));
  Date date{year{y}, month{m}, day{d}};
  if (!date.ok() || y < 1970) return std::nullopt;
  return date;
}

Date date_field(const Json& j, const std::string& field) {
  if (!j.is_string()) fail(field, field + " は YYYY-MM-DD の文字列で指定してください");
  auto d = parse_iso(j.get<std::string>());
  if (!d) fail(field, field + " は 1970 年以降の実在する日付（YYYY-MM-DD）にしてください");
  return *d;
}

int weekday_field(const Json& j, const std::string& field) {
  if (j.is_string()) {
    auto s = j.get<std::string>();
    for (int i = 0; i < 7; ++i)
      if (s == kWeekdayKeys[static_cast<size_t>(i)]) return i;
  }
  fail(field, field + " は sun, mon, tue, wed, thu, fri, sat のいずれかにしてください");
}

int int_field(const Json& j, const std::string& field, int lo, int hi, const std::string& what) {
  if (!j.is_number_integer() || j.get<int64_t>() < lo || j.get<int64_t>() > hi)
    fail(field, what + "は " + std::to_string(lo) + "〜" + std::to_string(hi) +
                    " の整数で指定してください");
  return static_cast<int>(j.get<int64_t>());
}

void parse_time(const Json& j, Recurrence& r) {
  if (!j.is_string()) fail("time", "time（時刻）を HH:MM の文字列で指定してください");
  auto s = j.get<std::string>();
  bool shape = s.size() == 5 && s[2] == ':' && std::isdigit(static_cast<unsigned char>(s[0])) &&
               std::isdigit(static_cast<unsigned char>(s[1])) &&
               std::isdigit(static_cast<unsigned char>(s[3])) &&
               std::isdigit(static_cast<unsigned char>(s[4]));
  if (!shape) fail("time", "time（時刻）は HH:MM（例: 09:00）で指定してください");
  r.hour = (s[0] - '0') * 10 + (s[1] - '0');
  r.minute = (s[3] - '0') * 10 + (s[4] - '0');
  if (r.hour > 23 || r.minute > 59) fail("time", "time（時刻）は 00:00〜23:59 にしてください");
}

std::vector<int> weekdays_field(const Json& j, const std::string& field) {
  if (!j.is_array() || j.empty() || j.size() > 7)
    fail(field, field + " は曜日（sun〜sat）を 1〜7 個並べた配列にしてください");
  std::vector<int> out;
  for (size_t i = 0; i < j.size(); ++i)
    out.push_back(weekday_field(j[i], field + "[" + std::to_string(i) + "]"));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void require_only(const Json& j, std::initializer_list<const char*> allowed) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || it.key() == a;
    if (!ok) fail(it.key(), "「" + it.key().substr(0, 40) + "」は使えない項目です");
  }
}

int days_in_month(year_month ym) {
  return static_cast<int>(static_cast<unsigned>((ym / last).day()));
}

bool pattern_matches(const Recurrence& r, Date d) {
  sys_days sd{d};
  int wd = static_cast<int>(weekday{sd}.c_encoding());
  int dom = static_cast<int>(static_cast<unsigned>(d.day()));
  int dim = days_in_month(d.year() / d.month());
  switch (r.kind) {
    case RecurrenceKind::daily:
      return true;
    case RecurrenceKind::weekly:
      return std::binary_search(r.weekdays.begin(), r.weekdays.end(), wd);
    case RecurrenceKind::monthly:
      return std::binary_search(r.dates.begin(), r.dates.end(), dom) ||
             (dom == dim && std::binary_search(r.dates.begin(), r.dates.end(), kLastDay));
    case RecurrenceKind::nth_weekday:
      for (const auto& n : r.nth) {
        if (n.weekday != wd) continue;
        if (n.week == kLastWeek ? dom + 7 > dim : (dom - 1) / 7 + 1 == n.week) return true;
      }
      return false;
    case RecurrenceKind::every_n_days: {
      auto diff = (sd - sys_days{*r.start}).count();
      return diff >= 0 && diff % r.interval == 0;
    }
    case RecurrenceKind::every_n_weeks: {
      if (!std::binary_search(r.weekdays.begin(), r.weekdays.end(), wd)) return false;
      // Weeks start on Monday, as on Japanese office calendars.
      auto monday = [](sys_days x) { return x - (weekday{x} - Monday); };
      auto weeks = (monday(sd) - monday(sys_days{*r.start})).count() / 7;
      return weeks >= 0 && weeks % r.interval == 0;
    }
  }
  return false;
}

std::string hm(int h, int m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%d:%02d", h, m);
  return buf;
}

std::string ja_date(Date d) {
  return std::to_string(static_cast<int>(d.year())) + "年" +
         std::to_string(static_cast<unsigned>(d.month())) + "月" +
         std::to_string(static_cast<unsigned>(d.day())) + "日";
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

std::string weekday_list(const std::vector<int>& wds) {
  std::vector<std::string> p;
  for (int w : wds) p.push_back(kWeekdayJa[static_cast<size_t>(w)]);
  return join(p, "・") + "曜日";
}

}  // namespace

Date jst_date(int64_t t_ms) {
  t_ms = std::clamp(t_ms, kMinMs, kMaxMs);
  int64_t local = t_ms + kJstOffsetMs;
  int64_t days_since = local >= 0 ? local / kDayMs : -((-local + kDayMs - 1) / kDayMs);
  return Date{sys_days{days{days_since}}};
}

int64_t jst_instant(Date d, int hour, int minute) {
  return static_cast<int64_t>(sys_days{d}.time_since_epoch().count()) * kDayMs +
         (hour * 60 + minute) * 60'000LL - kJstOffsetMs;
}

Recurrence parse_recurrence(const Json& j) {
  if (!j.is_object()) fail("", "繰り返しのルールは JSON オブジェクトで指定してください");
  require_only(j, {"kind", "time", "days", "weekdays", "dates", "nth", "interval", "start", "end",
                   "exclude"});
  Recurrence r;
  const Json& kind = j.contains("kind") ? j["kind"] : Json(nullptr);
  std::string k = kind.is_string() ? kind.get<std::string>() : "";
  if (k == "daily")
    r.kind = RecurrenceKind::daily;
  else if (k == "weekly")
    r.kind = RecurrenceKind::weekly;
  else if (k == "monthly")
    r.kind = RecurrenceKind::monthly;
  else if (k == "nth_weekday")
    r.kind = RecurrenceKind::nth_weekday;
  else if (k == "every_n_days")
    r.kind = RecurrenceKind::every_n_days;
  else if (k == "every_n_weeks")
    r.kind = RecurrenceKind::every_n_weeks;
  else
    fail("kind",
         "kind は daily, weekly, monthly, nth_weekday, every_n_days, every_n_weeks のいずれかに"
         "してください");
  parse_time(j.contains("time") ? j["time"] : Json(nullptr), r);

  if (j.contains("days")) {
    const Json& d = j["days"];
    std::string s = d.is_string() ? d.get<std::string>() : "";
    if (s == "all")
      r.days = DayFilter::all;
    else if (s == "weekdays")
      r.days = DayFilter::weekdays;
    else if (s == "business_days")
      r.days = DayFilter::business_days;
    else
      fail("days", "days は all, weekdays, business_days のいずれかにしてください");
  }

  auto only_for = [&](const char* key, std::initializer_list<RecurrenceKind> kinds) {
    if (!j.contains(key)) return false;
    if (std::find(kinds.begin(), kinds.end(), r.kind) == kinds.end())
      fail(key, std::string(key) + " は kind「" + k + "」では使えません");
    return true;
  };
  bool has_weekdays = only_for("weekdays", {RecurrenceKind::weekly, RecurrenceKind::every_n_weeks});
  bool has_dates = only_for("dates", {RecurrenceKind::monthly});
  bool has_nth = only_for("nth", {RecurrenceKind::nth_weekday});
  bool has_interval =
      only_for("interval", {RecurrenceKind::every_n_days, RecurrenceKind::every_n_weeks});

  if (r.kind == RecurrenceKind::weekly || r.kind == RecurrenceKind::every_n_weeks) {
    if (!has_weekdays) fail("weekdays", "weekdays（曜日）を指定してください");
    r.weekdays = weekdays_field(j["weekdays"], "weekdays");
  }
  if (r.kind == RecurrenceKind::monthly) {
    const Json& ds = has_dates ? j["dates"] : Json(nullptr);
    if (!ds.is_array() || ds.empty() || ds.size() > 32)
      fail("dates", "dates は日（1〜31 または \"last\"＝末日）を並べた配列にしてください");
    for (size_t i = 0; i < ds.size(); ++i) {
      std::string f = "dates[" + std::to_string(i) + "]";
      if (ds[i] == "last")
        r.dates.push_back(kLastDay);
      else if (ds[i].is_number_integer())
        r.dates.push_back(int_field(ds[i], f, 1, 31, "日"));
      else
        fail(f, "日は 1〜31 または \"last\"（末日）にしてください");
    }
    std::sort(r.dates.begin(), r.dates.end());
    r.dates.erase(std::unique(r.dates.begin(), r.dates.end()), r.dates.end());
  }
  if (r.kind == RecurrenceKind::nth_weekday) {
    const Json& ns = has_nth ? j["nth"] : Json(nullptr);
    if (!ns.is_array() || ns.empty() || ns.size() > kMaxNth)
      fail("nth", "nth は {week, weekday} を 1〜" + std::to_string(kMaxNth) +
                      " 個並べた配列にしてください（例: 第2火曜日）");
    for (size_t i = 0; i < ns.size(); ++i) {
      std::string f = "nth[" + std::to_string(i) + "]";
      if (!ns[i].is_object()) fail(f, "nth の各要素は {week, weekday} にしてください");
      require_only(ns[i], {"week", "weekday"});
      NthWeekday n;
      const Json& w = ns[i].contains("week") ? ns[i]["week"] : Json(nullptr);
      if (w == "last")
        n.week = kLastWeek;
      else if (w.is_number_integer())
        n.week = int_field(w, f + ".week", 1, 5, "第何週か");
      else
        fail(f + ".week", "week は 1〜5 または \"last\"（最終）にしてください");
      n.weekday = weekday_field(ns[i].contains("weekday") ? ns[i]["weekday"] : Json(nullptr),
                                f + ".weekday");
      if (std::find(r.nth.begin(), r.nth.end(), n) == r.nth.end()) r.nth.push_back(n);
    }
    std::sort(r.nth.begin(), r.nth.end(), [](const NthWeekday& a, const NthWeekday& b) {
      auto key = [](const NthWeekday& x) {
        return (x.week == kLastWeek ? 6 : x.week) * 7 + x.weekday;
      };
      return key(a) < key(b);
    });
  }
  if (r.kind == RecurrenceKind::every_n_days || r.kind == RecurrenceKind::every_n_weeks) {
    bool days_kind = r.kind == RecurrenceKind::every_n_days;
    if (!has_interval) fail("interval", "interval（何日・何週ごとか）を指定してください");
    r.interval = int_field(j["interval"], "interval", 1, days_kind ? 366 : 52,
                           days_kind ? "何日ごとか" : "何週ごとか");
    if (!j.contains("start")) fail("start", "start（起点の日付）を指定してください");
  }

  if (j.contains("start")) r.start = date_field(j["start"], "start");
  if (j.contains("end")) r.end = date_field(j["end"], "end");
  if (r.start && r.end && sys_days{*r.end} < sys_days{*r.start})
    fail("end", "end（終了日）は start（開始日）以降にしてください");
  if (j.contains("exclude")) {
    const Json& ex = j["exclude"];
    if (!ex.is_array() || ex.size() > kMaxExcludedDates)
      fail("exclude", "exclude は日付（YYYY-MM-DD）の配列（" + std::to_string(kMaxExcludedDates) +
                          " 件まで）にしてください");
    for (size_t i = 0; i < ex.size(); ++i)
      r.exclude.push_back(date_field(ex[i], "exclude[" + std::to_string(i) + "]"));
    std::sort(r.exclude.begin(), r.exclude.end());
    r.exclude.erase(std::unique(r.exclude.begin(), r.exclude.end()), r.exclude.end());
  }
  return r;
}

Json to_json(const Recurrence& r) {
  char time[8];
  std::snprintf(time, sizeof time, "%02d:%02d", r.hour, r.minute);
  Json j{{"time", time}};
  switch (r.kind) {
    case RecurrenceKind::daily:
      j["kind"] = "daily";
      break;
    case RecurrenceKind::weekly:
      j["kind"] = "weekly";
      break;
    case RecurrenceKind::monthly:
      j["kind"] = "monthly";
      break;
    case RecurrenceKind::nth_weekday:
      j["kind"] = "nth_weekday";
      break;
    case RecurrenceKind::every_n_days:
      j["kind"] = "every_n_days";
      break;
    case RecurrenceKind::every_n_weeks:
      j["kind"] = "every_n_weeks";
      break;
  }
  switch (r.days) {
    case DayFilter::all:
      break;
    case DayFilter::weekdays:
      j["days"] = "weekdays";
      break;
    case DayFilter::business_days:
      j["days"] = "business_days";
      break;
  }
  if (r.kind == RecurrenceKind::weekly || r.kind == RecurrenceKind::every_n_weeks) {
    Json w = Json::array();
    for (int d : r.weekdays) w.push_back(kWeekdayKeys[static_cast<size_t>(d)]);
    j["weekdays"] = w;
  }
  if (r.kind == RecurrenceKind::monthly) {
    Json ds = Json::array();
    for (int d : r.dates) ds.push_back(d == kLastDay ? Json("last") : Json(d));
    j["dates"] = ds;
  }
  if (r.kind == RecurrenceKind::nth_weekday) {
    Json ns = Json::array();
    for (const auto& n : r.nth)
      ns.push_back({{"week", n.week == kLastWeek ? Json("last") : Json(n.week)},
                    {"weekday", kWeekdayKeys[static_cast<size_t>(n.weekday)]}});
    j["nth"] = ns;
  }
  if (r.kind == RecurrenceKind::every_n_days || r.kind == RecurrenceKind::every_n_weeks)
    j["interval"] = r.interval;
  if (r.start) j["start"] = format_iso(*r.start);
  if (r.end) j["end"] = format_iso(*r.end);
  if (!r.exclude.empty()) {
    Json ex = Json::array();
    for (auto d : r.exclude) ex.push_back(format_iso(d));
    j["exclude"] = ex;
  }
  return j;
}

bool occurs_on(const Recurrence& r, Date d) {
  sys_days sd{d};
  if (r.start && sd < sys_days{*r.start}) return false;
  if (r.end && sd > sys_days{*r.end}) return false;
  if (!pattern_matches(r, d)) return false;
  switch (r.days) {
    case DayFilter::all:
      break;
    case DayFilter::weekdays: {
      auto wd = weekday{sd};
      if (wd == Saturday || wd == Sunday) return false;
      break;
    }
    case DayFilter::business_days:
      if (!is_business_day(d)) return false;
      break;
  }
  return !std::binary_search(r.exclude.begin(), r.exclude.end(), d);
}

std::optional<int64_t> next_after(const Recurrence& r, int64_t t_ms) {
  if (t_ms < kMinMs || t_ms > kMaxMs) return std::nullopt;
  sys_days d{jst_date(t_ms)};
  if (r.start && d < sys_days{*r.start}) d = sys_days{*r.start};
  for (int i = 0; i <= kHorizonDays; ++i, d += days{1}) {
    if (r.end && d > sys_days{*r.end}) return std::nullopt;
    if (!occurs_on(r, Date{d})) continue;
    int64_t at = jst_instant(Date{d}, r.hour, r.minute);
    if (at > t_ms) return at;
  }
  return std::nullopt;
}

std::string describe(const Recurrence& r) {
  std::string what;
  switch (r.kind) {
    case RecurrenceKind::daily:
      switch (r.days) {
        case DayFilter::all:
          what = "毎日";
          break;
        case DayFilter::weekdays:
          what = "平日（月〜金）";
          break;
        case DayFilter::business_days:
          what = "開庁日（土日祝と12/29〜1/3を除く）";
          break;
      }
      break;
    case RecurrenceKind::weekly:
      what = "毎週" + weekday_list(r.weekdays);
      break;
    case RecurrenceKind::monthly: {
      std::vector<std::string> p;
      for (int d : r.dates)
        if (d != kLastDay) p.push_back(std::to_string(d) + "日");
      if (!r.dates.empty() && r.dates.front() == kLastDay) p.push_back("末日");
      what = "毎月" + join(p, "・");
      break;
    }
    case RecurrenceKind::nth_weekday: {
      std::vector<std::string> p;
      for (const auto& n : r.nth)
        p.push_back((n.week == kLastWeek ? std::string("最終") : "第" + std::to_string(n.week)) +
                    kWeekdayJa[static_cast<size_t>(n.weekday)] + "曜日");
      what = "毎月" + join(p, "・");
      break;
    }
    case RecurrenceKind::every_n_days:
      what = r.interval == 1 ? "毎日" : std::to_string(r.interval) + "日ごと";
      break;
    case RecurrenceKind::every_n_weeks:
      what = (r.interval == 1 ? std::string("毎週") : std::to_string(r.interval) + "週ごとの") +
             weekday_list(r.weekdays);
      break;
  }
  std::string out = what + " " + hm(r.hour, r.minute);
  std::vector<std::string> notes;
  if (r.kind != RecurrenceKind::daily) {
    switch (r.days) {
      case DayFilter::all:
        break;
      case DayFilter::weekdays:
        notes.push_back("土日は除く");
        break;
      case DayFilter::business_days:
        notes.push_back("閉庁日は除く");
        break;
    }
  }
  if (r.start && r.end)
    notes.push_back(ja_date(*r.start) + "〜" + ja_date(*r.end));
  else if (r.start)
    notes.push_back(ja_date(*r.start) + "から");
  else if (r.end)
    notes.push_back(ja_date(*r.end) + "まで");
  if (!r.exclude.empty()) notes.push_back("除外日 " + std::to_string(r.exclude.size()) + " 日");
  if (!notes.empty()) out += "（" + join(notes, "、") + "）";
  return out;
}

}  // namespace mg::calendar
