#include "reservations/schedule.h"

#include <algorithm>
#include <cstdio>

#include "calendar/holidays.h"
#include "core/errors.h"

namespace mg::reservations {

namespace chr = std::chrono;

namespace {

constexpr int64_t kJstMs = 9 * 3600 * 1000;
constexpr const char* kDayKeys[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
constexpr std::size_t kMaxIntervals = 8;

std::optional<int> parse_hhmm(const Json& v) {
  if (!v.is_string()) return std::nullopt;
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  for (int i : {0, 1, 3, 4})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

std::string hhmm(int minutes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

}  // namespace

std::vector<Interval> parse_intervals(const Json& j, const std::string& field) {
  auto bad = [&](const std::string& what) {
    return ApiError::bad_request("開いている時間の書き方が違います（" + what + "）", field);
  };
  if (!j.is_array()) throw bad("[[\"09:00\",\"12:00\"]] の形で書きます");
  if (j.size() > kMaxIntervals) throw bad("1 日に 8 つまでです");
  std::vector<Interval> out;
  for (const auto& pair : j) {
    if (!pair.is_array() || pair.size() != 2) throw bad("開始と終了の 2 つを書きます");
    auto from = parse_hhmm(pair[0]), to = parse_hhmm(pair[1]);
    if (!from || !to) throw bad("時刻は 09:00 の形で、00:00〜24:00 です");
    if (*from >= *to) throw bad("終了は開始より後にします");
    out.push_back({*from, *to});
  }
  std::sort(out.begin(), out.end(),
            [](const Interval& a, const Interval& b) { return a.from_min < b.from_min; });
  for (std::size_t i = 1; i < out.size(); ++i)
    if (out[i].from_min < out[i - 1].to_min) throw bad("時間帯が重なっています");
  return out;
}

Json intervals_json(const std::vector<Interval>& v) {
  Json out = Json::array();
  for (const auto& i : v) out.push_back({hhmm(i.from_min), hhmm(i.to_min)});
  return out;
}

WeeklyHours parse_opening_hours(const Json& j) {
  if (!j.is_object())
    throw ApiError::bad_request(
        "開いている時間は {\"mon\": [[\"09:00\",\"17:00\"]]} の形で書きます", "opening_hours");
  WeeklyHours w;
  for (const auto& [key, value] : j.items()) {
    auto it = std::find(std::begin(kDayKeys), std::end(kDayKeys), key);
    if (it == std::end(kDayKeys))
      throw ApiError::bad_request("曜日は mon, tue, wed, thu, fri, sat, sun で書きます",
                                  "opening_hours");
    w.days[static_cast<std::size_t>(it - std::begin(kDayKeys))] =
        parse_intervals(value, "opening_hours");
  }
  return w;
}

Json to_json(const WeeklyHours& w) {
  Json out = Json::object();
  for (std::size_t i = 0; i < 7; ++i)
    if (!w.days[i].empty()) out[kDayKeys[i]] = intervals_json(w.days[i]);
  return out;
}

std::optional<Date> parse_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  int y = std::stoi(s.substr(0, 4));
  unsigned m = static_cast<unsigned>(std::stoi(s.substr(5, 2)));
  unsigned d = static_cast<unsigned>(std::stoi(s.substr(8, 2)));
  Date date{chr::year{y}, chr::month{m}, chr::day{d}};
  if (!date.ok() || y < 1970 || y > 2200) return std::nullopt;
  return date;
}

std::string format_date(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

std::optional<int64_t> parse_slot(const std::string& s) {
  if (s.size() != 16 || s[10] != 'T') return std::nullopt;
  auto d = parse_date(s.substr(0, 10));
  auto t = parse_hhmm(Json(s.substr(11)));
  if (!d || !t || *t >= 24 * 60) return std::nullopt;
  return jst_midnight_ms(*d) + int64_t{*t} * 60000;
}

std::string format_slot(int64_t start_ms) {
  Date d = jst_date(start_ms);
  int64_t minute = (start_ms - jst_midnight_ms(d)) / 60000;
  return format_date(d) + "T" + hhmm(static_cast<int>(minute));
}

Date jst_date(int64_t ms) {
  return Date{
      chr::floor<chr::days>(chr::sys_time<chr::milliseconds>(chr::milliseconds(ms + kJstMs)))};
}

int64_t jst_midnight_ms(Date d) {
  return chr::duration_cast<chr::milliseconds>(chr::sys_days{d}.time_since_epoch()).count() -
         kJstMs;
}

namespace {
const SpecialDay* special_on(const ResourceCalendar& cal, Date d) {
  for (const auto& s : cal.special)
    if (s.date == d) return &s;
  return nullptr;
}
}  // namespace

std::optional<std::string> closed_reason(const ResourceCalendar& cal, Date d) {
  if (const auto* s = special_on(cal, d)) {
    if (s->closed || s->hours.empty()) return s->note.empty() ? "休業日" : s->note;
    return std::nullopt;  // special hours beat holidays: the town opened on purpose
  }
  if (cal.closed_on_holidays)
    if (auto name = calendar::holiday_name(d)) return *name;
  if (cal.weekly.days[chr::weekday{chr::sys_days{d}}.c_encoding()].empty()) return "休業日";
  return std::nullopt;
}

std::vector<int64_t> slots_on(const ResourceCalendar& cal, Date d) {
  std::vector<int64_t> out;
  if (cal.slot_minutes < 1 || closed_reason(cal, d)) return out;
  const SpecialDay* s = special_on(cal, d);
  const auto& hours = s ? s->hours : cal.weekly.days[chr::weekday{chr::sys_days{d}}.c_encoding()];
  int64_t midnight = jst_midnight_ms(d);
  for (const auto& i : hours)
    for (int m = i.from_min; m + cal.slot_minutes <= i.to_min; m += cal.slot_minutes)
      out.push_back(midnight + int64_t{m} * 60000);
  return out;
}

bool is_slot(const ResourceCalendar& cal, int64_t start_ms) {
  auto slots = slots_on(cal, jst_date(start_ms));
  return std::binary_search(slots.begin(), slots.end(), start_ms);
}

bool in_window(int64_t start_ms, int64_t now_ms, int window_days) {
  if (start_ms <= now_ms) return false;
  Date last{chr::sys_days{jst_date(now_ms)} + chr::days{window_days}};
  return jst_date(start_ms) <= last;
}

}  // namespace mg::reservations
