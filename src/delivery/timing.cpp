#include "delivery/timing.h"

#include <algorithm>
#include <cstdio>

namespace mg::delivery {

namespace chr = std::chrono;
using calendar::Date;

namespace {

[[noreturn]] void fail(const std::string& field, const std::string& message) {
  throw InvalidTiming(field, message);
}

void only(const Json& j, std::initializer_list<const char*> keys) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::find_if(keys.begin(), keys.end(), [&](const char* k) { return it.key() == k; }) ==
        keys.end())
      fail(it.key(), "timing に使えない項目です: " + it.key().substr(0, 40));
}

bool digits(const std::string& s, size_t from, size_t n) {
  for (size_t i = from; i < from + n; ++i)
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
  return true;
}

int num(const std::string& s, size_t from, size_t n) { return std::stoi(s.substr(from, n)); }

// "HH:MM" → hour, minute; false when malformed or out of range.
bool parse_hhmm(const std::string& s, int& hour, int& minute) {
  if (s.size() != 5 || s[2] != ':' || !digits(s, 0, 2) || !digits(s, 3, 2)) return false;
  hour = num(s, 0, 2);
  minute = num(s, 3, 2);
  return hour <= 23 && minute <= 59;
}

std::string hhmm(int hour, int minute) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", hour, minute);
  return buf;
}

int int_member(const Json& j, const char* key, int lo, int hi, const std::string& message) {
  if (!j.contains(key)) return 0;
  const Json& v = j[key];
  if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi) fail(key, message);
  return static_cast<int>(v.get<int64_t>());
}

}  // namespace

Timing parse_timing(const Json& j) {
  if (!j.is_object()) fail("", "timing（配信のタイミング）をオブジェクトで指定してください");
  if (!j.contains("kind") || !j["kind"].is_string())
    fail("kind", "kind は now・at・recurring・lifestage のどれかを指定してください");
  std::string kind = j["kind"];
  Timing t;
  if (kind == "now") {
    only(j, {"kind"});
    t.kind = TimingKind::now;
  } else if (kind == "at") {
    only(j, {"kind", "at"});
    t.kind = TimingKind::at;
    const std::string s = j.contains("at") && j["at"].is_string() ? j["at"].get<std::string>() : "";
    // YYYY-MM-DDTHH:MM (JST)
    if (s.size() != 16 || !digits(s, 0, 4) || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' ||
        !digits(s, 8, 2) || s[10] != 'T')
      fail("at", "配信日時は YYYY-MM-DDTHH:MM（日本時間）で指定してください");
    Date d{chr::year{num(s, 0, 4)}, chr::month{static_cast<unsigned>(num(s, 5, 2))},
           chr::day{static_cast<unsigned>(num(s, 8, 2))}};
    int h = 0, m = 0;
    if (!d.ok() || !parse_hhmm(s.substr(11), h, m))
      fail("at", "配信日時が正しくありません（存在しない日付か時刻です）");
    if (int(d.year()) < 2000 || int(d.year()) > 2099)
      fail("at", "配信日時は2000年から2099年の間で指定してください");
    t.at_ms = calendar::jst_instant(d, h, m);
  } else if (kind == "recurring") {
    only(j, {"kind", "rule"});
    t.kind = TimingKind::recurring;
    try {
      t.rule = calendar::parse_recurrence(j.contains("rule") ? j["rule"] : Json(nullptr));
    } catch (const calendar::InvalidRecurrence& e) {
      fail(e.field.empty() ? "rule" : "rule." + e.field, e.what());
    }
  } else if (kind == "lifestage") {
    only(j, {"kind", "attribute", "months", "days", "time"});
    t.kind = TimingKind::lifestage;
    const Json& a = j.contains("attribute") ? j["attribute"] : Json(nullptr);
    std::string key = a.is_string() ? a.get<std::string>() : "";
    if (key.empty() || key.size() > 40 ||
        key.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
      fail("attribute", "日付の属性（例: child_birth_date）を指定してください");
    t.attribute = key;
    t.months = int_member(j, "months", 0, kMaxLifestageMonths, "months は 0〜240 の整数です");
    t.days = int_member(j, "days", -kMaxLifestageDays, kMaxLifestageDays,
                        "days は -400〜400 の整数です");
    std::string time = j.contains("time") && j["time"].is_string() ? j["time"].get<std::string>()
                                                                   : std::string("09:00");
    if (!parse_hhmm(time, t.hour, t.minute))
      fail("time", "time（時刻）は HH:MM（例: 09:00）で指定してください");
  } else {
    fail("kind", "kind は now・at・recurring・lifestage のどれかを指定してください");
  }
  return t;
}

Json to_json(const Timing& t) {
  switch (t.kind) {
    case TimingKind::now:
      return Json{{"kind", "now"}};
    case TimingKind::at: {
      Date d = calendar::jst_date(t.at_ms);
      int64_t minutes = (t.at_ms - calendar::jst_instant(d, 0, 0)) / 60000;
      return Json{{"kind", "at"},
                  {"at", calendar::format_iso(d) + "T" +
                             hhmm(static_cast<int>(minutes / 60), static_cast<int>(minutes % 60))}};
    }
    case TimingKind::recurring:
      return Json{{"kind", "recurring"}, {"rule", calendar::to_json(t.rule)}};
    case TimingKind::lifestage:
      return Json{{"kind", "lifestage"},
                  {"attribute", t.attribute},
                  {"months", t.months},
                  {"days", t.days},
                  {"time", hhmm(t.hour, t.minute)}};
  }
  return Json::object();
}

std::string describe(const Timing& t) {
  switch (t.kind) {
    case TimingKind::now:
      return "すぐに配信";
    case TimingKind::at: {
      Date d = calendar::jst_date(t.at_ms);
      int64_t minutes = (t.at_ms - calendar::jst_instant(d, 0, 0)) / 60000;
      return std::to_string(int(d.year())) + "年" + std::to_string(unsigned(d.month())) + "月" +
             std::to_string(unsigned(d.day())) + "日 " + std::to_string(minutes / 60) + ":" +
             hhmm(0, static_cast<int>(minutes % 60)).substr(3);
    }
    case TimingKind::recurring:
      return calendar::describe(t.rule);
    case TimingKind::lifestage: {
      std::string when;
      if (t.months) when += std::to_string(t.months) + "か月";
      if (t.days > 0) when += std::to_string(t.days) + "日後";
      if (t.days < 0) when += std::to_string(-t.days) + "日前";
      if (when.empty()) when = "当日";
      return "属性「" + t.attribute + "」の日付から" + when + "に達した住民へ、毎日 " +
             std::to_string(t.hour) + ":" + hhmm(0, t.minute).substr(3);
    }
  }
  return "";
}

std::optional<int64_t> first_occurrence(const Timing& t, int64_t from_ms) {
  switch (t.kind) {
    case TimingKind::now:
      return std::nullopt;
    case TimingKind::at:
      return t.at_ms;
    case TimingKind::recurring:
      return calendar::next_after(t.rule, from_ms - 1);
    case TimingKind::lifestage: {
      int64_t today = calendar::jst_instant(calendar::jst_date(from_ms), t.hour, t.minute);
      return today >= from_ms ? today : today + 86400000;
    }
  }
  return std::nullopt;
}

std::optional<int64_t> next_occurrence(const Timing& t, int64_t t_ms) {
  switch (t.kind) {
    case TimingKind::now:
    case TimingKind::at:
      return std::nullopt;
    case TimingKind::recurring:
      return calendar::next_after(t.rule, t_ms);
    case TimingKind::lifestage:
      return first_occurrence(t, t_ms + 1);
  }
  return std::nullopt;
}

int64_t latest_due(const Timing& t, int64_t due_ms, int64_t now_ms) {
  int64_t occ = due_ms;
  if (t.kind == TimingKind::lifestage) return occ;  // every day counts: caught up one by one
  // Bounded: a daily rule over ten years of downtime is ~3,650 steps.
  for (int i = 0; i < 10000; ++i) {
    auto n = next_occurrence(t, occ);
    if (!n || *n > now_ms) break;
    occ = *n;
  }
  return occ;
}

std::string occurrence_key(int64_t occurrence_ms) {
  Date d = calendar::jst_date(occurrence_ms);
  int64_t minutes = (occurrence_ms - calendar::jst_instant(d, 0, 0)) / 60000;
  return calendar::format_iso(d) + "T" +
         hhmm(static_cast<int>(minutes / 60), static_cast<int>(minutes % 60));
}

Date add_offset(Date d, int months, int days) {
  chr::year_month ym = chr::year_month{d.year(), d.month()} + chr::months{months};
  chr::day last = chr::year_month_day_last{ym.year(), chr::month_day_last{ym.month()}}.day();
  Date moved{ym.year(), ym.month(), std::min(d.day(), last)};
  return Date{chr::sys_days{moved} + chr::days{days}};
}

std::vector<Date> dates_reaching(Date target, int months, int days) {
  // Undo the days first (exact), then the months: x + months == e has the same day number in
  // the month before, and when e is its month's last day also every later day of that month.
  Date e{chr::sys_days{target} - chr::days{days}};
  chr::year_month src = chr::year_month{e.year(), e.month()} - chr::months{months};
  unsigned src_last =
      unsigned(chr::year_month_day_last{src.year(), chr::month_day_last{src.month()}}.day());
  unsigned e_last =
      unsigned(chr::year_month_day_last{e.year(), chr::month_day_last{e.month()}}.day());
  std::vector<Date> out;
  unsigned day = unsigned(e.day());
  if (day <= src_last) out.push_back(Date{src.year(), src.month(), chr::day{day}});
  if (day == e_last)
    for (unsigned x = day + 1; x <= src_last; ++x)
      out.push_back(Date{src.year(), src.month(), chr::day{x}});
  return out;
}

}  // namespace mg::delivery
