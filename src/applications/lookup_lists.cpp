#include "applications/lookup_lists.h"

#include <cstdio>
#include <memory>
#include <set>
#include <vector>

#include "conversation/normalize.h"
#include "core/clock.h"
#include "core/csv.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "core/text_encoding.h"

namespace mg::applications {

namespace {
// RFC 4180 records (core/csv), blank lines skipped; a malformed file is a 400 naming its line.
std::vector<csv::Record> parse_csv(const std::string& text) {
  try {
    return csv::read(
        text,
        {.max_records = 10'000'000, .max_fields = 100'000, .max_field_bytes = std::string::npos});
  } catch (const csv::Error& e) {
    throw ApiError::bad_request(e.what(), "csv");
  }
}

std::string norm(const std::string& s) { return conversation::normalize_text(s); }

// Excel writes a date cell as 1960/2/3; date answers are ISO (1960-02-03). Compare them alike.
std::string match_form(const std::string& s) {
  std::string n = norm(s);
  int y = 0, m = 0, d = 0;
  char a = 0, b = 0;
  int used = 0;
  if (std::sscanf(n.c_str(), "%4d%c%2d%c%2d%n", &y, &a, &m, &b, &d, &used) == 5 &&
      static_cast<std::size_t>(used) == n.size() && a == b && (a == '/' || a == '-' || a == '.') &&
      y >= 1000 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
  }
  return n;
}

}  // namespace

std::optional<Json> DbLookupProvider::find(const std::string& list,
                                           const std::map<std::string, std::string>& fields) const {
  std::optional<Json> found;
  tx_.each("SELECT data FROM lookup_rows WHERE tenant_id = ? AND list_name = ?", {tenant_id_, list},
           [&](const store::Row& r) {
             Json row = parse_stored_json(r.str(0));
             for (const auto& [k, v] : fields) {
               if (!row.contains(k) || !row[k].is_string() ||
                   match_form(row[k].get<std::string>()) != match_form(v))
                 return true;
             }
             found = row;
             return false;
           });
  return found;
}

namespace {
std::string csv_error_prefix(std::size_t line) { return std::to_string(line) + " 行目: "; }

// Excel in Japan saves "CSV (コンマ区切り)" as Shift_JIS (Microsoft's CP932) and "CSV UTF-8" with
// a BOM; anything else is refused with a hint instead of being stored garbled.
std::pair<std::string, std::string> decode(const std::string& bytes) {
  if (bytes.rfind("\xEF\xBB\xBF", 0) == 0) {
    std::string rest = bytes.substr(3);
    if (!is_utf8(rest))
      throw ApiError::bad_request(
          "文字コードが正しくありません（UTF-8 として読めない文字があります）", "csv");
    return {rest, "UTF-8（BOM 付き）"};
  }
  if (is_utf8(bytes)) return {bytes, "UTF-8"};
  auto out = cp932_to_utf8(bytes);
  if (!out || out->empty() || !is_utf8(*out))
    throw ApiError::bad_request(
        "文字コードを読み取れません。Excel で「CSV UTF-8」または「CSV（コンマ区切り）」として保存"
        "してください",
        "csv");
  return {std::move(*out), "Shift_JIS"};
}
}  // namespace

LookupTable read_lookup_csv(const std::string& bytes, const LookupLimits& limits) {
  if (bytes.size() > limits.max_bytes)
    throw ApiError::bad_request("ファイルが大きすぎます（" +
                                    std::to_string(limits.max_bytes / (1024 * 1024)) + " MB まで）",
                                "csv");
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
  auto [text, encoding] = decode(bytes);
  auto rows = parse_csv(text);  // blank lines (Excel leaves some at the end) are not rows
  if (rows.empty()) throw ApiError::bad_request("CSV が空です", "csv");
  LookupTable t;
  t.encoding = encoding;
  const auto& header = rows.front().fields;
  if (header.size() > limits.max_columns)
    throw ApiError::bad_request(
        "列が多すぎます（" + std::to_string(limits.max_columns) + " 列まで）", "csv");
  std::set<std::string> seen;
  for (std::size_t c = 0; c < header.size(); ++c) {
    std::string name = norm(header[c]);
    if (name.empty())
      throw ApiError::bad_request(csv_error_prefix(rows.front().line) + std::to_string(c + 1) +
                                      " 列目の見出し（列名）が空です",
                                  "csv");
    if (name.size() > 100)
      throw ApiError::bad_request(
          csv_error_prefix(rows.front().line) + std::to_string(c + 1) + " 列目の見出しが長すぎます",
          "csv");
    if (!seen.insert(name).second)
      throw ApiError::bad_request(
          csv_error_prefix(rows.front().line) + "見出し「" + name + "」が 2 回あります", "csv");
    t.columns.push_back(name);
  }
  if (rows.size() - 1 > limits.max_rows)
    throw ApiError::bad_request("行が多すぎます（" + std::to_string(rows.size() - 1) + " 行。" +
                                    std::to_string(limits.max_rows) + " 行まで）",
                                "csv");
  for (std::size_t i = 1; i < rows.size(); ++i) {
    auto& r = rows[i].fields;
    if (r.size() != header.size())
      throw ApiError::bad_request(
          csv_error_prefix(rows[i].line) + "列の数が見出しと違います（見出し " +
              std::to_string(header.size()) + " 列、この行 " + std::to_string(r.size()) + " 列）",
          "csv");
    for (std::size_t c = 0; c < r.size(); ++c)
      if (r[c].size() > limits.max_field_bytes)
        throw ApiError::bad_request(
            csv_error_prefix(rows[i].line) + "「" + t.columns[c] + "」の値が長すぎます", "csv");
    t.rows.push_back(std::move(r));
  }
  return t;
}

std::vector<std::string> parse_lookup_csv(const std::string& csv) {
  auto t = read_lookup_csv(csv);
  std::vector<std::string> out;
  for (const auto& r : t.rows) {
    Json data = Json::object();
    for (std::size_t c = 0; c < t.columns.size(); ++c) data[t.columns[c]] = r[c];
    out.push_back(data.dump());
  }
  return out;
}

int64_t replace_list(store::Tx& tx, int64_t tenant_id, const std::string& list,
                     const std::string& csv) {
  return replace_list(tx, tenant_id, list, read_lookup_csv(csv), std::nullopt, "");
}

int64_t replace_list(store::Tx& tx, int64_t tenant_id, const std::string& list,
                     const LookupTable& table, std::optional<int64_t> staff_id,
                     const std::string& file_name) {
  tx.exec("DELETE FROM lookup_rows WHERE tenant_id = ? AND list_name = ?", {tenant_id, list});
  for (const auto& r : table.rows) {
    Json data = Json::object();
    for (std::size_t c = 0; c < table.columns.size(); ++c) data[table.columns[c]] = r[c];
    tx.exec("INSERT INTO lookup_rows(tenant_id, list_name, match_key, data) VALUES (?, ?, '', ?)",
            {tenant_id, list, data.dump()});
  }
  auto n = static_cast<int64_t>(table.rows.size());
  tx.exec(
      "INSERT INTO lookup_lists(tenant_id, list_name, columns, row_count, file_name, encoding, "
      "replaced_at, replaced_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, "
      "list_name) DO UPDATE SET columns = excluded.columns, row_count = excluded.row_count, "
      "file_name = excluded.file_name, encoding = excluded.encoding, replaced_at = "
      "excluded.replaced_at, replaced_by = excluded.replaced_by",
      {tenant_id, list, Json(table.columns).dump(), n, file_name, table.encoding, clock::now_ms(),
       store::opt(staff_id)});
  return n;
}

namespace {
std::string csv_field(const std::string& v) {
  // Quote when needed; a leading =, +, - or @ is prefixed so Excel does not run it as a formula.
  std::string s = v;
  if (!s.empty() && std::string("=+-@").find(s[0]) != std::string::npos) s = "'" + s;
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}
}  // namespace

std::string list_csv(store::Tx& tx, int64_t tenant_id, const std::string& list) {
  auto meta = tx.one("SELECT columns FROM lookup_lists WHERE tenant_id = ? AND list_name = ?",
                     {tenant_id, list});
  if (!meta) throw ApiError::not_found("名簿が見つかりません");
  std::vector<std::string> columns;
  for (const auto& c : parse_stored_json(meta->str(0)))
    if (c.is_string()) columns.push_back(c.get<std::string>());
  std::string out = "\xEF\xBB\xBF";
  auto line = [&](const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
    out += "\r\n";
  };
  line(columns);
  tx.each("SELECT data FROM lookup_rows WHERE tenant_id = ? AND list_name = ? ORDER BY id",
          {tenant_id, list}, [&](const store::Row& r) {
            Json row = parse_stored_json(r.str(0));
            std::vector<std::string> fields;
            for (const auto& c : columns)
              fields.push_back(row.is_object() && row.contains(c) && row[c].is_string()
                                   ? row[c].get<std::string>()
                                   : "");
            line(fields);
            return true;
          });
  return out;
}

Json uploaded_lists(store::Tx& tx, int64_t tenant_id) {
  Json out = Json::array();
  for (const auto& r : tx.query(
           "SELECT l.list_name, l.row_count, l.columns, l.encoding, l.file_name, l.replaced_at, "
           "s.name FROM lookup_lists l LEFT JOIN staff s ON s.id = l.replaced_by AND s.tenant_id = "
           "l.tenant_id WHERE l.tenant_id = ? ORDER BY l.list_name",
           {tenant_id}))
    out.push_back({{"name", r.str(0)},
                   {"rows", r.i64(1)},
                   {"columns", parse_stored_json(r.str(2))},
                   {"encoding", r.str(3)},
                   {"file_name", r.str(4)},
                   {"replaced_at", r.i64(5)},
                   {"replaced_by", r.is_null(6) ? Json(nullptr) : Json(r.str(6))}});
  return out;
}

}  // namespace mg::applications
