#include "garbage/format_5374.h"

#include <algorithm>
#include <array>
#include <set>

#include "core/csv.h"
#include "core/text_encoding.h"

namespace mg::garbage {

namespace {

namespace chr = std::chrono;

constexpr std::array<std::string_view, 7> kWeekdays = {"日", "月", "火", "水", "木", "金", "土"};

// Full-width digits, space, colon and asterisk as their ASCII forms: people type them in Excel.
std::string ascii_forms(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    auto u = static_cast<unsigned char>(s[i]);
    if (u == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBC) {
      auto v = static_cast<unsigned char>(s[i + 2]);
      if (v >= 0x90 && v <= 0x99) {
        out.push_back(static_cast<char>('0' + (v - 0x90)));
        i += 3;
        continue;
      }
      if (v == 0x9A || v == 0x8A) {
        out.push_back(v == 0x9A ? ':' : '*');
        i += 3;
        continue;
      }
    }
    if (u == 0xE3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        static_cast<unsigned char>(s[i + 2]) == 0x80) {
      out.push_back(' ');
      i += 3;
      continue;
    }
    out.push_back(s[i]);
    ++i;
  }
  return out;
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<Date> yyyymmdd(std::string_view s) {
  if (s.size() != 8 || !all_digits(s)) return std::nullopt;
  int y = std::stoi(std::string(s.substr(0, 4)));
  unsigned m = static_cast<unsigned>(std::stoi(std::string(s.substr(4, 2))));
  unsigned d = static_cast<unsigned>(std::stoi(std::string(s.substr(6, 2))));
  Date date{chr::year{y}, chr::month{m}, chr::day{d}};
  if (!date.ok() || y < 1900 || y > 2200) return std::nullopt;
  return date;
}

// 2023/12/31, 2023-12-31 or 20231231 (center.csv is written all three ways).
std::optional<Date> any_date(std::string_view raw) {
  std::string s = ascii_forms(trim(raw));
  if (auto d = yyyymmdd(s)) return d;
  int y = 0;
  unsigned m = 0, d = 0;
  char a = 0, b = 0;
  int used = 0;
  if (std::sscanf(s.c_str(), "%4d%c%2u%c%2u%n", &y, &a, &m, &b, &d, &used) == 5 &&
      static_cast<std::size_t>(used) == s.size() && a == b && (a == '/' || a == '-')) {
    Date date{chr::year{y}, chr::month{m}, chr::day{d}};
    if (date.ok() && y >= 1900 && y <= 2200) return date;
  }
  return std::nullopt;
}

std::optional<chr::weekday> weekday_prefix(std::string_view s) {
  for (unsigned i = 0; i < kWeekdays.size(); ++i)
    if (s.substr(0, kWeekdays[i].size()) == kWeekdays[i]) return chr::weekday{i};
  return std::nullopt;
}

std::optional<DayRule> parse_day(std::string_view tok, std::string& error) {
  DayRule r;
  if (tok.substr(0, 3) == "隔") {
    auto wd = weekday_prefix(tok.substr(3));
    auto date = wd ? yyyymmdd(tok.substr(6)) : std::nullopt;
    if (!wd || !date) {
      error = "「" + std::string(tok) +
              "」: 隔週は「隔」の後に曜日と開始日（例: 隔月20250106）を書きます";
      return std::nullopt;
    }
    if (chr::weekday{chr::sys_days{*date}} != *wd) {
      error = "「" + std::string(tok) + "」: 開始日が" + std::string(kWeekdays[wd->c_encoding()]) +
              "曜日ではありません";
      return std::nullopt;
    }
    r.kind = DayRule::Kind::biweekly;
    r.weekday = *wd;
    r.date = *date;
    return r;
  }
  if (auto wd = weekday_prefix(tok)) {
    std::string_view rest = tok.substr(3);
    r.weekday = *wd;
    if (rest.empty()) {
      r.kind = DayRule::Kind::weekly;
      return r;
    }
    if (rest.size() == 1 && rest[0] >= '1' && rest[0] <= '5') {
      r.kind = DayRule::Kind::nth;
      r.nth = static_cast<unsigned>(rest[0] - '0');
      return r;
    }
    error = "「" + std::string(tok) + "」: 曜日の後は第何週かを 1〜5 で書きます（例: 水2）";
    return std::nullopt;
  }
  if (all_digits(tok)) {
    if (auto d = yyyymmdd(tok)) {
      r.kind = DayRule::Kind::date;
      r.date = *d;
      return r;
    }
    error =
        "「" + std::string(tok) + "」: 日付は 8 桁の年月日（例: 20250301）で、ある日付を書きます";
    return std::nullopt;
  }
  error =
      "「" + std::string(tok) +
      "」: "
      "曜日（月〜日）、第何週（水2）、日付（20250301）、隔週（隔月20250106）のどれでもありません";
  return std::nullopt;
}

std::string decode(const std::string& bytes, bool& ok) {
  ok = true;
  if (is_utf8(bytes)) return std::string(csv::strip_bom(bytes));
  if (auto u = cp932_to_utf8(bytes)) return *u;
  ok = false;
  return {};
}

struct File {
  std::vector<csv::Record> records;
  bool present = false;
};

File load(const std::map<std::string, std::string>& files, const std::string& name,
          std::vector<Problem>& problems) {
  File f;
  auto it = files.find(name);
  if (it == files.end()) return f;
  f.present = true;
  bool ok = true;
  std::string text = decode(it->second, ok);
  if (!ok) {
    problems.push_back({name, 0, 0, "文字コードが UTF-8 でも Shift_JIS でもありません"});
    return f;
  }
  try {
    f.records = csv::read(text);
  } catch (const csv::Error& e) {
    problems.push_back({name, e.line, 0, e.what()});
  }
  return f;
}

std::string cell(const csv::Record& r, std::size_t i) {
  return i < r.fields.size() ? trim(r.fields[i]) : std::string();
}

}  // namespace

const Area* GarbageCalendar::area(const std::string& name) const {
  for (const auto& a : areas)
    if (a.name == name) return &a;
  return nullptr;
}

std::optional<Collection> parse_cell(std::string_view raw, std::string& error) {
  std::string s = ascii_forms(raw);
  Collection c;
  std::string days = s, months;
  if (auto colon = s.find(':'); colon != std::string::npos) {
    days = s.substr(0, colon);
    months = s.substr(colon + 1);
    auto ms = words(months);
    if (ms.empty()) {
      error = "「:」の後に月（例: 4 6 8）を書きます";
      return std::nullopt;
    }
    for (const auto& m : ms) {
      if (!all_digits(m) || m.size() > 2 || std::stoi(m) < 1 || std::stoi(m) > 12) {
        error = "「" + m + "」: 月は 1〜12 で書きます";
        return std::nullopt;
      }
      c.months.push_back(static_cast<unsigned>(std::stoi(m)));
    }
  }
  for (auto tok : words(days)) {
    // *N marks: show remark N from remarks.csv.
    while (true) {
      auto star = tok.rfind('*');
      if (star == std::string::npos) break;
      std::string id = tok.substr(star + 1);
      if (!all_digits(id) || id.size() > 6) {
        error = "「" + tok + "」: 注意事項の番号は *1 のように書きます";
        return std::nullopt;
      }
      c.remarks.insert(c.remarks.begin(), std::stoi(id));
      tok.erase(star);
    }
    if (tok.empty()) continue;  // "*1" alone: a remark on the whole cell
    auto day = parse_day(tok, error);
    if (!day) return std::nullopt;
    c.days.push_back(*day);
  }
  if (c.days.empty() && !c.months.empty()) {
    error = "月だけで曜日がありません";
    return std::nullopt;
  }
  return c;
}

std::string format_cell(const Collection& c) {
  std::string out;
  for (const auto& d : c.days) {
    if (!out.empty()) out += ' ';
    switch (d.kind) {
      case DayRule::Kind::weekly:
        out += kWeekdays[d.weekday.c_encoding()];
        break;
      case DayRule::Kind::nth:
        out += std::string(kWeekdays[d.weekday.c_encoding()]) + std::to_string(d.nth);
        break;
      case DayRule::Kind::date:
      case DayRule::Kind::biweekly: {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d%02u%02u", static_cast<int>(d.date.year()),
                      static_cast<unsigned>(d.date.month()), static_cast<unsigned>(d.date.day()));
        if (d.kind == DayRule::Kind::biweekly)
          out += "隔" + std::string(kWeekdays[d.weekday.c_encoding()]);
        out += buf;
        break;
      }
    }
  }
  for (int r : c.remarks) out += "*" + std::to_string(r);
  if (!c.months.empty()) {
    out += ':';
    for (std::size_t i = 0; i < c.months.size(); ++i)
      out += (i ? " " : "") + std::to_string(c.months[i]);
  }
  return out;
}

ReadResult read_5374(const std::map<std::string, std::string>& files) {
  ReadResult out;
  auto& cal = out.calendar;
  auto& problems = out.problems;

  File area_days = load(files, "area_days.csv", problems);
  if (!area_days.present) problems.push_back({"area_days.csv", 0, 0, "area_days.csv がありません"});
  if (!area_days.records.empty()) {
    const auto& head = area_days.records.front();
    if (cell(head, 0) != "地名" || cell(head, 1) != "センター" || head.fields.size() < 3)
      problems.push_back(
          {"area_days.csv", head.line, 1, "1 行目は「地名,センター,」の後にごみの種類を並べます"});
    else
      for (std::size_t i = 2; i < head.fields.size(); ++i) {
        std::string label = cell(head, i);
        if (label.empty())
          problems.push_back({"area_days.csv", head.line, i + 1, "ごみの種類の名前が空です"});
        cal.categories.push_back({label, "", "", ""});
      }
  }
  std::set<std::string> area_names;
  std::set<int> remarks_used;
  if (!cal.categories.empty())
    for (std::size_t r = 1; r < area_days.records.size(); ++r) {
      const auto& rec = area_days.records[r];
      Area a;
      a.name = cell(rec, 0);
      a.center = cell(rec, 1);
      if (a.name.empty()) {
        problems.push_back({"area_days.csv", rec.line, 1, "地名が空です"});
        continue;
      }
      if (!area_names.insert(a.name).second) {
        problems.push_back({"area_days.csv", rec.line, 1, "地名「" + a.name + "」が 2 回あります"});
        continue;
      }
      if (rec.fields.size() > cal.categories.size() + 2)
        problems.push_back({"area_days.csv", rec.line, cal.categories.size() + 3,
                            "1 行目より列が多くなっています"});
      for (std::size_t i = 0; i < cal.categories.size(); ++i) {
        std::string error;
        auto c = parse_cell(cell(rec, i + 2), error);
        if (!c) {
          problems.push_back({"area_days.csv", rec.line, i + 3, error});
          c = Collection{};
        }
        for (int id : c->remarks) remarks_used.insert(id);
        a.collections.push_back(std::move(*c));
      }
      cal.areas.push_back(std::move(a));
    }

  File centers = load(files, "center.csv", problems);
  for (std::size_t r = 1; r < centers.records.size(); ++r) {
    const auto& rec = centers.records[r];
    Closure c{cell(rec, 0), {}, {}};
    auto from = any_date(cell(rec, 1)), to = any_date(cell(rec, 2));
    if (c.center.empty()) {
      problems.push_back({"center.csv", rec.line, 1, "センターの名称が空です"});
      continue;
    }
    if (!from || !to) {
      problems.push_back({"center.csv", rec.line, from ? 3u : 2u,
                          "休止の開始日・終了日は 2025/12/31 のように、ある日付を書きます"});
      continue;
    }
    if (chr::sys_days{*to} < chr::sys_days{*from}) {
      problems.push_back({"center.csv", rec.line, 3, "休止終了日が開始日より前です"});
      continue;
    }
    c.from = *from;
    c.to = *to;
    cal.closures.push_back(std::move(c));
  }

  File descriptions = load(files, "description.csv", problems);
  for (std::size_t r = 1; r < descriptions.records.size(); ++r) {
    const auto& rec = descriptions.records[r];
    for (auto& cat : cal.categories)
      if (cat.label == cell(rec, 0)) {
        cat.sublabel = cell(rec, 1);
        cat.description = cell(rec, 2);
        cat.color = cell(rec, 4);
      }
  }

  File remarks = load(files, "remarks.csv", problems);
  for (std::size_t r = 1; r < remarks.records.size(); ++r) {
    const auto& rec = remarks.records[r];
    std::string id = ascii_forms(cell(rec, 0));
    if (!all_digits(id) || id.size() > 6) {
      problems.push_back({"remarks.csv", rec.line, 1, "ID は数字で書きます"});
      continue;
    }
    cal.remarks.push_back({std::stoi(id), cell(rec, 1)});
  }
  for (int id : remarks_used)
    if (std::none_of(cal.remarks.begin(), cal.remarks.end(),
                     [&](const Remark& r) { return r.id == id; }))
      problems.push_back({"remarks.csv", 0, 0,
                          "area_days.csv の *" + std::to_string(id) + " の注意事項がありません"});

  File targets = load(files, "target.csv", problems);
  if (!targets.records.empty()) {
    const auto& head = targets.records.front();
    // Kameoka's file calls the first column "type"; the format's documentation "label".
    std::string first = cell(head, 0);
    if ((first != "label" && first != "type") || cell(head, 1) != "name")
      problems.push_back(
          {"target.csv", head.line, 1, "1 行目は「label,name,notice,furigana」です"});
    else
      for (std::size_t r = 1; r < targets.records.size(); ++r) {
        const auto& rec = targets.records[r];
        Item item{cell(rec, 0), cell(rec, 1), cell(rec, 2), cell(rec, 3)};
        if (item.name.empty()) {
          problems.push_back({"target.csv", rec.line, 2, "品目の名前が空です"});
          continue;
        }
        if (item.category.empty()) {
          problems.push_back({"target.csv", rec.line, 1, "分別の種類が空です"});
          continue;
        }
        cal.items.push_back(std::move(item));
      }
  }
  return out;
}

}  // namespace mg::garbage
