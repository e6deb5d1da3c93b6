#include "core/csv.h"

namespace mg::csv {

namespace {
// Spreadsheets skip leading blanks (the ideographic space too) before a formula.
bool formula_like(std::string_view v) {
  if (!v.empty() && (v[0] == '\t' || v[0] == '\r')) return true;
  std::size_t i = 0;
  while (i < v.size()) {
    if (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n')
      ++i;
    else if (v.substr(i, 3) == "\xE3\x80\x80")
      i += 3;
    else
      break;
  }
  return i < v.size() && (v[i] == '=' || v[i] == '+' || v[i] == '-' || v[i] == '@');
}
}  // namespace

std::string field(std::string_view v) {
  std::string s = formula_like(v) ? "'" + std::string(v) : std::string(v);
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string_view strip_bom(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

std::vector<Record> read(std::string_view text, const Limits& limits) {
  text = strip_bom(text);
  std::vector<Record> out;
  Record rec;
  std::string field;
  std::size_t line = 1;
  bool quoted = false, any = false;
  rec.line = 1;
  auto end_field = [&] {
    if (rec.fields.size() >= limits.max_fields)
      throw Error(rec.line, std::to_string(rec.line) + " 行目: 列が多すぎます（" +
                                std::to_string(limits.max_fields) + " 列まで）");
    rec.fields.push_back(std::move(field));
    field.clear();
  };
  auto end_record = [&] {
    end_field();
    bool blank = rec.fields.size() == 1 && rec.fields[0].empty();
    if (!blank) {
      if (out.size() >= limits.max_records)
        throw Error(rec.line, std::to_string(rec.line) + " 行目: 行が多すぎます（" +
                                  std::to_string(limits.max_records) + " 行まで）");
      out.push_back(std::move(rec));
    }
    rec = Record{};
    rec.line = line;
    any = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
    } else if (c == '"' && field.empty()) {
      quoted = true;
      any = true;
    } else if (c == ',') {
      end_field();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++line;
      end_record();
    } else {
      field.push_back(c);
      any = true;
    }
    if (field.size() > limits.max_field_bytes)
      throw Error(line, std::to_string(line) + " 行目: 項目が長すぎます（" +
                            std::to_string(limits.max_field_bytes) + " バイトまで）");
  }
  if (quoted)
    throw Error(rec.line, std::to_string(rec.line) + " 行目: 引用符（\"）が閉じていません");
  if (any || !field.empty() || !rec.fields.empty()) end_record();
  return out;
}

}  // namespace mg::csv
