#include "conversation/date_parse.h"

#include <array>
#include <cstdio>
#include <vector>

#include "conversation/normalize.h"

namespace mg::conversation {
namespace {

struct Era {
  const char* kanji;
  char letter;
  int offset;  // western year = offset + era year
  Date first;
  std::optional<Date> last;
};

// Era boundaries by the day of accession; Meiji from 1873 (solar calendar adoption).
const std::array<Era, 5> kEras{{
    {"令和", 'R', 2018, {2019, 5, 1}, std::nullopt},
    {"平成", 'H', 1988, {1989, 1, 8}, Date{2019, 4, 30}},
    {"昭和", 'S', 1925, {1926, 12, 25}, Date{1989, 1, 7}},
    {"大正", 'T', 1911, {1912, 7, 30}, Date{1926, 12, 24}},
    {"明治", 'M', 1867, {1873, 1, 1}, Date{1912, 7, 29}},
}};

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Splits "7/4/1" into numbers; separators already unified to '/'.
std::optional<std::array<int, 3>> split_ymd(std::string_view s, size_t max_year_digits) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '/') {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() != 3) return std::nullopt;
  if (parts[0].size() > max_year_digits || parts[1].size() > 2 || parts[2].size() > 2)
    return std::nullopt;
  std::array<int, 3> out{};
  for (int i = 0; i < 3; ++i) {
    if (!all_digits(parts[i])) return std::nullopt;
    out[i] = std::stoi(std::string(parts[i]));
  }
  return out;
}

// 年/月/./- to '/', trailing 日 dropped; anything else stays and fails later.
std::string unify_separators(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (starts_with(s.substr(i), "年") || starts_with(s.substr(i), "月")) {
      out += '/';
      i += 3;
    } else if (starts_with(s.substr(i), "日") && i + 3 == s.size()) {
      i += 3;
    } else if (s[i] == '.' || s[i] == '-') {
      out += '/';
      ++i;
    } else if (s[i] == ' ') {
      ++i;
    } else {
      out += s[i];
      ++i;
    }
  }
  return out;
}

}  // namespace

bool is_valid_date(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= max;
}

std::optional<Date> parse_iso_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2)) || !all_digits(s.substr(8, 2)))
    return std::nullopt;
  Date d{std::stoi(std::string(s.substr(0, 4))), std::stoi(std::string(s.substr(5, 2))),
         std::stoi(std::string(s.substr(8, 2)))};
  if (!is_valid_date(d.year, d.month, d.day)) return std::nullopt;
  return d;
}

std::optional<Date> parse_date(std::string_view input) {
  std::string s = unify_dashes(normalize_text(input));
  if (s.empty()) return std::nullopt;

  for (const Era& era : kEras) {
    std::string rest;
    if (starts_with(s, era.kanji)) {
      rest = s.substr(std::string_view(era.kanji).size());
    } else if (s[0] == era.letter || s[0] == era.letter + ('a' - 'A')) {
      rest = s.substr(1);
    } else {
      continue;
    }
    if (starts_with(rest, "元")) rest = "1" + rest.substr(std::string_view("元").size());
    auto ymd = split_ymd(unify_separators(rest), 2);
    if (!ymd || (*ymd)[0] < 1) return std::nullopt;
    Date d{era.offset + (*ymd)[0], (*ymd)[1], (*ymd)[2]};
    if (!is_valid_date(d.year, d.month, d.day)) return std::nullopt;
    if (d < era.first || (era.last && d > *era.last)) return std::nullopt;
    return d;
  }

  if (s.size() == 8 && all_digits(s)) s = s.substr(0, 4) + "/" + s.substr(4, 2) + "/" + s.substr(6);
  auto ymd = split_ymd(unify_separators(s), 4);
  if (!ymd || (*ymd)[0] < 1000) return std::nullopt;  // two-digit years are ambiguous
  if (!is_valid_date((*ymd)[0], (*ymd)[1], (*ymd)[2])) return std::nullopt;
  return Date{(*ymd)[0], (*ymd)[1], (*ymd)[2]};
}

bool is_date_spec(std::string_view spec) {
  return resolve_date(spec, Date{2000, 1, 1}).has_value();
}

std::optional<Date> resolve_date(std::string_view spec, const Date& today) {
  if (spec == "today") return today;
  if (auto d = parse_iso_date(spec)) return d;
  if (spec.size() < 3 || (spec[0] != '+' && spec[0] != '-')) return std::nullopt;
  std::string_view num = spec.substr(1, spec.size() - 2);
  if (!all_digits(num) || num.size() > 6) return std::nullopt;
  int n = std::stoi(std::string(num)) * (spec[0] == '-' ? -1 : 1);
  switch (spec.back()) {
    case 'd':
      return add_days(today, n);
    case 'w':
      return add_days(today, 7LL * n);
    case 'm':
      return add_months(today, n);
    case 'y':
      return add_months(today, 12 * n);
    default:
      return std::nullopt;
  }
}

std::string to_iso(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::string to_wareki(const Date& d) {
  std::string md = std::to_string(d.month) + "月" + std::to_string(d.day) + "日";
  for (const Era& era : kEras) {
    if (d >= era.first && (!era.last || d <= *era.last)) {
      int y = d.year - era.offset;
      return std::string(era.kanji) + (y == 1 ? "元" : std::to_string(y)) + "年" + md;
    }
  }
  return std::to_string(d.year) + "年" + md;
}

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t days_from_civil(const Date& d) {
  int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t mp = (d.month + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date civil_from_days(int64_t z) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return Date{static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

Date add_days(const Date& d, int64_t n) { return civil_from_days(days_from_civil(d) + n); }

Date add_months(const Date& d, int n) {
  int total = d.year * 12 + (d.month - 1) + n;
  Date out{total / 12, total % 12 + 1, d.day};
  while (!is_valid_date(out.year, out.month, out.day) && out.day > 28) --out.day;
  return out;
}

int age_on(const Date& birth, const Date& today) {
  int age = today.year - birth.year;
  if (today.month < birth.month || (today.month == birth.month && today.day < birth.day)) --age;
  return age;
}

std::string date_examples(std::string_view today_iso) {
  Date d = parse_iso_date(today_iso).value_or(Date{2026, 4, 1});
  return "例：" + to_wareki(d) + "、" + std::to_string(d.year) + "/" + std::to_string(d.month) +
         "/" + std::to_string(d.day);
}

}  // namespace mg::conversation
