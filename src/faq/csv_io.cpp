#include "faq/csv_io.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <optional>

#include "core/csv.h"
#include "core/text_encoding.h"
#include "faq/text.h"

namespace mg::faq {

namespace {

enum class Column { id, question, answer, category, department, url, alternatives, from, until };

// Header names as municipalities write them (after NFKC + case folding, spaces removed).
std::optional<Column> column_of(const std::string& header) {
  static const std::map<std::string, Column> names = {
      {"id", Column::id},
      {"faqid", Column::id},
      {"番号", Column::id},
      {"質問", Column::question},
      {"質問内容", Column::question},
      {"よくある質問", Column::question},
      {"q", Column::question},
      {"question", Column::question},
      {"回答", Column::answer},
      {"回答内容", Column::answer},
      {"答え", Column::answer},
      {"a", Column::answer},
      {"answer", Column::answer},
      {"分類", Column::category},
      {"カテゴリ", Column::category},
      {"カテゴリー", Column::category},
      {"category", Column::category},
      {"所管部署", Column::department},
      {"担当部署", Column::department},
      {"担当課", Column::department},
      {"問い合わせ先", Column::department},
      {"department", Column::department},
      {"url", Column::url},
      {"関連url", Column::url},
      {"参照url", Column::url},
      {"別の聞き方", Column::alternatives},
      {"類似質問", Column::alternatives},
      {"alternatives", Column::alternatives},
      {"掲載開始日", Column::from},
      {"公開開始日", Column::from},
      {"valid_from", Column::from},
      {"掲載終了日", Column::until},
      {"公開終了日", Column::until},
      {"valid_until", Column::until},
  };
  std::string key;
  for (char c : normalize(header, 60))
    if (c != ' ') key += c;
  auto it = names.find(key);
  if (it == names.end()) return std::nullopt;
  return it->second;
}

std::string trim(std::string s) {
  auto is_space = [](unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.back())) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  s.erase(0, i);
  // Ideographic spaces at either end.
  while (s.rfind("\u3000", 0) == 0) s.erase(0, 3);
  while (s.size() >= 3 && s.compare(s.size() - 3, 3, "\u3000") == 0) s.resize(s.size() - 3);
  return s;
}

std::size_t chars(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s + "\n") {
    if (c == '\n') {
      cur = trim(cur);
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

std::string csv_field(const std::string& s) {
  // A leading = + - @ would run as a formula in Excel.
  std::string v = !s.empty() && std::string("=+-@").find(s[0]) != std::string::npos ? "'" + s : s;
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

std::string parse_date(std::string_view s) {
  int y = 0;
  unsigned m = 0, d = 0;
  int used = 0;
  std::string t(s);
  for (auto& c : t)
    if (c == '/' || c == '.') c = '-';
  if (t.size() > 10 || std::sscanf(t.c_str(), "%4d-%2u-%2u%n", &y, &m, &d, &used) != 3 ||
      used != static_cast<int>(t.size()))
    return "";
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok() || y < 1900 || y > 2200) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

CsvProblem check_entry(Entry& e) {
  e.question = trim(e.question);
  e.answer = trim(e.answer);
  e.category = trim(e.category);
  e.department = trim(e.department);
  e.url = trim(e.url);
  e.external_id = trim(e.external_id);
  std::vector<std::string> alts;
  for (auto& a : e.alternatives) {
    a = trim(a);
    if (!a.empty() && a != e.question) alts.push_back(a);
  }
  e.alternatives = std::move(alts);
  if (e.question.empty()) return {0, "question", "質問が空です"};
  if (chars(e.question) > kMaxQuestionChars)
    return {0, "question", "質問は " + std::to_string(kMaxQuestionChars) + " 文字までです"};
  if (e.answer.empty()) return {0, "answer", "回答が空です"};
  if (chars(e.answer) > kMaxAnswerChars)
    return {0, "answer", "回答は " + std::to_string(kMaxAnswerChars) + " 文字までです"};
  if (e.alternatives.size() > kMaxAlternatives)
    return {0, "alternatives", "別の聞き方は " + std::to_string(kMaxAlternatives) + " 個までです"};
  for (const auto& a : e.alternatives)
    if (chars(a) > kMaxQuestionChars)
      return {0, "alternatives",
              "別の聞き方は 1 つ " + std::to_string(kMaxQuestionChars) + " 文字までです"};
  if (chars(e.category) > kMaxShortChars || chars(e.department) > kMaxShortChars ||
      chars(e.external_id) > kMaxShortChars)
    return {0, chars(e.category) > kMaxShortChars ? "category" : "department",
            std::to_string(kMaxShortChars) + " 文字までです"};
  if (!e.url.empty() &&
      ((e.url.rfind("https://", 0) != 0 && e.url.rfind("http://", 0) != 0) ||
       e.url.size() > kMaxUrlChars || e.url.find_first_of(" \"<>") != std::string::npos))
    return {0, "url", "URL は http:// か https:// で始まる形で書きます"};
  for (auto* d : {&e.valid_from, &e.valid_until}) {
    *d = trim(*d);
    if (d->empty()) continue;
    std::string p = parse_date(*d);
    if (p.empty())
      return {0, d == &e.valid_from ? "valid_from" : "valid_until",
              "日付は 2026-04-01 の形で書きます"};
    *d = p;
  }
  if (!e.valid_from.empty() && !e.valid_until.empty() && e.valid_until < e.valid_from)
    return {0, "valid_until", "掲載終了日が開始日より前です"};
  return {};
}

CsvRead read_csv(std::string_view bytes) {
  CsvRead out;
  std::string text;
  if (is_utf8(bytes)) {
    text = std::string(csv::strip_bom(bytes));
  } else if (auto u = cp932_to_utf8(bytes)) {
    text = *u;
  } else {
    out.problems.push_back(
        {1, "", "文字コードが読めません（UTF-8 か Shift_JIS で保存してください）"});
    return out;
  }
  std::vector<csv::Record> records;
  try {
    records = csv::read(text, {static_cast<std::size_t>(kMaxEntries) + 2, 60, 64 * 1024});
  } catch (const csv::Error& e) {
    out.problems.push_back({e.line, "", e.what()});
    return out;
  }
  if (records.empty()) {
    out.problems.push_back({1, "", "CSV が空です"});
    return out;
  }
  const auto& header = records[0].fields;
  std::vector<std::optional<Column>> cols;
  bool has_q = false, has_a = false;
  for (const auto& h : header) {
    cols.push_back(column_of(h));
    if (cols.back() == Column::question) has_q = true;
    if (cols.back() == Column::answer) has_a = true;
  }
  if (!has_q || !has_a) {
    out.problems.push_back({records[0].line, "",
                            "1 行目に「質問」と「回答」の列名が必要です（自治体標準オープンデータ"
                            "セット「よくある質問」の形）"});
    return out;
  }
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& rec = records[r];
    if (rec.fields.size() > header.size()) {
      out.problems.push_back({rec.line, "",
                              "列が多すぎます（" + std::to_string(rec.fields.size()) +
                                  " 列、見出しは " + std::to_string(header.size()) + " 列）"});
      continue;
    }
    Entry e;
    for (std::size_t i = 0; i < rec.fields.size(); ++i) {
      if (!cols[i]) continue;
      const std::string& v = rec.fields[i];
      switch (*cols[i]) {
        case Column::id:
          e.external_id = v;
          break;
        case Column::question:
          e.question = v;
          break;
        case Column::answer:
          e.answer = v;
          break;
        case Column::category:
          e.category = v;
          break;
        case Column::department:
          e.department = v;
          break;
        case Column::url:
          e.url = v;
          break;
        case Column::alternatives:
          e.alternatives = split_lines(v);
          break;
        case Column::from:
          e.valid_from = v;
          break;
        case Column::until:
          e.valid_until = v;
          break;
      }
    }
    auto p = check_entry(e);
    if (!p.message.empty()) {
      // Name the column as the file's header spells it.
      std::string col = p.column;
      for (std::size_t i = 0; i < header.size(); ++i) {
        static const std::map<std::string, Column> field = {
            {"question", Column::question}, {"answer", Column::answer},
            {"category", Column::category}, {"department", Column::department},
            {"url", Column::url},           {"alternatives", Column::alternatives},
            {"valid_from", Column::from},   {"valid_until", Column::until}};
        auto f = field.find(p.column);
        if (f != field.end() && cols[i] == f->second) col = header[i];
      }
      out.problems.push_back({rec.line, col, p.message});
      continue;
    }
    out.entries.push_back(std::move(e));
    out.lines.push_back(rec.line);
    if (out.entries.size() > kMaxEntries) {
      out.problems.push_back(
          {rec.line, "", "一度に読み込めるのは " + std::to_string(kMaxEntries) + " 件までです"});
      out.entries.pop_back();
      out.lines.pop_back();
      break;
    }
  }
  return out;
}

std::string write_csv(const std::vector<Entry>& entries, const std::string& lg_code,
                      const std::string& tenant_name) {
  std::string out =
      "全国地方公共団体コード,ID,地方公共団体名,分類,質問,回答,所管部署,URL,別の聞き方,"
      "掲載開始日,掲載終了日\r\n";
  for (const auto& e : entries) {
    std::string alts;
    for (const auto& a : e.alternatives) alts += (alts.empty() ? "" : "\n") + a;
    const std::string id = e.external_id.empty() ? std::to_string(e.id) : e.external_id;
    const std::string& alts_ref = alts;
    for (const std::string* f : {&lg_code, &id, &tenant_name, &e.category, &e.question, &e.answer,
                                 &e.department, &e.url, &alts_ref, &e.valid_from}) {
      out += csv_field(*f);
      out += ',';
    }
    out += csv_field(e.valid_until);
    out += "\r\n";
  }
  return out;
}

}  // namespace mg::faq
