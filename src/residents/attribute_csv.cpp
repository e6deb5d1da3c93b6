#include "residents/attribute_csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>

#include "core/errors.h"
#include "core/text_encoding.h"

namespace mg::residents {

DecodedCsv decode_csv(std::string bytes) {
  if (bytes.rfind("\xFF\xFE", 0) == 0 || bytes.rfind("\xFE\xFF", 0) == 0)
    throw ApiError::bad_request(
        "UTF-16（Unicode テキスト）のファイルは読み込めません。Excel で「CSV UTF-8」または"
        "「CSV（コンマ区切り）」として保存してください",
        "csv");
  if (bytes.find('\0') != std::string::npos)
    throw ApiError::bad_request(
        "CSV ではないファイルのようです。Excel で「CSV UTF-8」または「CSV（コンマ区切り）」として"
        "保存してください",
        "csv");
  if (bytes.rfind("\xEF\xBB\xBF", 0) == 0) {
    bytes.erase(0, 3);
    if (!is_utf8(bytes))
      throw ApiError::bad_request(
          "文字コードが正しくありません（UTF-8 として読めない文字があります）", "csv");
    return {std::move(bytes), "UTF-8（BOM 付き）"};
  }
  if (is_utf8(bytes)) return {std::move(bytes), "UTF-8"};
  auto out = cp932_to_utf8(bytes);
  if (!out || !is_utf8(*out))
    throw ApiError::bad_request(
        "文字コードを読み取れません。Excel で「CSV UTF-8」または「CSV（コンマ区切り）」として保存"
        "してください",
        "csv");
  return {std::move(*out), "Shift_JIS"};
}

bool CsvReader::next(std::vector<std::string>& row, std::size_t& line) {
  row.clear();
  if (pos_ >= text_.size()) return false;
  line = line_;
  std::string field;
  bool quoted = false;
  for (; pos_ < text_.size(); ++pos_) {
    char c = text_[pos_];
    if (quoted) {
      if (c == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
          field.push_back('"');
          ++pos_;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line_;
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
      ++pos_;
      ++line_;
      row.push_back(std::move(field));
      return true;
    } else {
      field.push_back(c);
    }
  }
  if (quoted) unclosed_ = true;
  row.push_back(std::move(field));
  return true;
}

namespace {
bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : d[m - 1];
}
// Digits only, at most `max` of them.
std::optional<int> digits(std::string_view s, std::size_t min, std::size_t max) {
  if (s.size() < min || s.size() > max) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}
bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}
}  // namespace

std::optional<std::string> normalize_date(std::string_view s) {
  char sep = 0;
  for (char c : s)
    if (c == '-' || c == '/') {
      sep = c;
      break;
    }
  if (!sep) return std::nullopt;
  auto a = s.find(sep), b = s.find(sep, a + 1);
  if (b == std::string_view::npos || s.find(sep, b + 1) != std::string_view::npos)
    return std::nullopt;
  // ISO dates are exact (2024-04-01); Excel's slashes may drop leading zeros (2024/4/1).
  std::size_t min = sep == '-' ? 2 : 1;
  auto y = digits(s.substr(0, a), 4, 4);
  auto m = digits(s.substr(a + 1, b - a - 1), min, 2);
  auto d = digits(s.substr(b + 1), min, 2);
  if (!y || !m || !d || *y < 1800 || *y > 2200 || *m < 1 || *m > 12 || *d < 1 ||
      *d > days_in(*y, *m))
    return std::nullopt;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", *y, *m, *d);
  return std::string(buf);
}

std::optional<double> parse_number(std::string_view s) {
  if (s.empty() || s.size() > 40) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

CheckedValue check_value(const AttributeDefinition& def, std::string_view text) {
  AttributeValue v;
  v.key = def.key;
  std::string label = "「" + def.label + "」";
  switch (def.type) {
    case AttributeType::choice: {
      for (const auto& o : def.options)
        if (o.value == text || o.label == text) {
          v.text = o.value;
          return {v, {}};
        }
      std::string list;
      for (std::size_t i = 0; i < def.options.size() && i < 10; ++i)
        list += (i ? "、" : "") + def.options[i].label;
      return {std::nullopt,
              label + "の選択肢にない値です" + (list.empty() ? std::string() : "（" + list + "）")};
    }
    case AttributeType::text:
    case AttributeType::tag:
      if (text.size() > 500) return {std::nullopt, label + "の値が長すぎます（500 バイトまで）"};
      if (has_control(text)) return {std::nullopt, label + "の値に制御文字があります"};
      v.text = std::string(text);
      return {v, {}};
    case AttributeType::number:
      if (auto n = parse_number(text)) {
        v.number = *n;
        return {v, {}};
      }
      return {std::nullopt, label + "は数値で書いてください"};
    case AttributeType::date:
      if (auto d = normalize_date(text)) {
        v.date = *d;
        return {v, {}};
      }
      return {std::nullopt, label + "は日付（例 2024-04-01）で書いてください"};
    case AttributeType::yes_no:
      if (text == "yes" || text == "はい") v.text = "yes";
      if (text == "no" || text == "いいえ") v.text = "no";
      if (v.text) return {v, {}};
      return {std::nullopt, label + "は yes / no（はい / いいえ）で書いてください"};
  }
  return {std::nullopt, label + "の種類が正しくありません"};
}

bool is_line_user_id(std::string_view s) {
  if (s.size() != 33 || s[0] != 'U') return false;
  return std::all_of(s.begin() + 1, s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::optional<CsvHeader> read_header(const std::vector<std::string>& header,
                                     const std::vector<AttributeDefinition>& definitions,
                                     const AttributeCsvLimits& limits,
                                     std::vector<CellError>& errors) {
  auto before = errors.size();
  CsvHeader h;
  if (header.size() > limits.max_columns + 1) {
    errors.push_back(
        {1, "", "列が多すぎます（" + std::to_string(limits.max_columns + 1) + " 列まで）"});
    return std::nullopt;
  }
  std::string first = header.empty() ? "" : header[0];
  if (first == "line_user_id")
    h.key = ResidentKey::line_user_id;
  else if (first == "resident_id")
    h.key = ResidentKey::resident_id;
  else
    errors.push_back({1, first.size() > 100 ? first.substr(0, 0) : first,
                      "1 列目は line_user_id か resident_id にしてください"});
  std::set<std::string> seen;
  for (std::size_t c = 1; c < header.size(); ++c) {
    const auto& name = header[c];
    std::string shown = name.size() > 100 ? std::string() : name;
    auto it = std::find_if(definitions.begin(), definitions.end(),
                           [&](const AttributeDefinition& d) { return d.key == name; });
    if (it == definitions.end()) {
      errors.push_back({1, shown,
                        name.empty() ? std::to_string(c + 1) + " 列目の見出し（属性のキー）が空です"
                                     : "属性「" + shown + "」は定義されていません"});
      continue;
    }
    if (!seen.insert(name).second) {
      errors.push_back({1, shown, "見出し「" + shown + "」が 2 回あります"});
      continue;
    }
    h.columns.push_back(&*it);
  }
  if (errors.size() != before) return std::nullopt;
  return h;
}

bool read_row(const CsvHeader& header, const std::vector<std::string>& cells, std::size_t line,
              const AttributeCsvLimits& limits, CsvRow& out, std::vector<CellError>& errors) {
  auto before = errors.size();
  out.values.assign(header.columns.size(), {});
  if (cells.size() != header.columns.size() + 1) {
    errors.push_back({line, "",
                      "列の数が見出しと違います（見出し " +
                          std::to_string(header.columns.size() + 1) + " 列、この行 " +
                          std::to_string(cells.size()) + " 列）"});
    return false;
  }
  out.key = cells[0];
  const char* key_name = header.key == ResidentKey::line_user_id ? "line_user_id" : "resident_id";
  if (header.key == ResidentKey::line_user_id) {
    if (!is_line_user_id(out.key))
      errors.push_back(
          {line, key_name, "LINE のユーザー ID ではありません（U と 32 文字の英数字）"});
  } else {
    auto id = digits(out.key, 1, 15);
    if (!id || *id == 0 || out.key[0] == '0')
      errors.push_back({line, key_name, "住民 ID は正の整数で書いてください"});
  }
  for (std::size_t c = 0; c < header.columns.size(); ++c) {
    const auto& def = *header.columns[c];
    std::string_view cell = cells[c + 1];
    if (cell.size() > limits.max_field_bytes) {
      errors.push_back({line, def.key, "値が長すぎます"});
      continue;
    }
    if (cell.empty()) continue;
    // Text and tags of a single value keep a "|"; only multi-valued cells are split.
    std::vector<std::string_view> parts;
    if (def.multiple) {
      std::size_t start = 0;
      for (;;) {
        auto bar = cell.find('|', start);
        parts.push_back(cell.substr(start, bar == std::string_view::npos ? bar : bar - start));
        if (bar == std::string_view::npos) break;
        start = bar + 1;
      }
    } else {
      parts.push_back(cell);
    }
    if (parts.size() > limits.max_values_per_cell) {
      errors.push_back(
          {line, def.key,
           "値が多すぎます（" + std::to_string(limits.max_values_per_cell) + " 個まで）"});
      continue;
    }
    std::set<std::string> seen;
    for (auto p : parts) {
      // Our export writes '=… so Excel shows text; take such a cell back as it was.
      if (p.size() > 1 && p[0] == '\'' && std::string_view("=+-@").find(p[1]) != p.npos)
        p.remove_prefix(1);
      if (p.empty()) {
        errors.push_back({line, def.key, "「|」の前後に値がありません"});
        break;
      }
      auto checked = check_value(def, p);
      if (!checked.value) {
        errors.push_back({line, def.key, checked.error});
        break;
      }
      std::string k = checked.value->text.value_or(checked.value->date.value_or(
          checked.value->number ? std::to_string(*checked.value->number) : ""));
      if (seen.insert(k).second) out.values[c].push_back(std::move(*checked.value));
    }
  }
  return errors.size() == before;
}

std::string csv_field(const std::string& v) {
  std::string s = v;
  if (!s.empty() && std::string("=+-@").find(s[0]) != std::string::npos) s = "'" + s;
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace mg::residents
