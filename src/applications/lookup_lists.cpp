#include "applications/lookup_lists.h"

#include <unicode/utf8.h>

#include <vector>

#include "conversation/normalize.h"
#include "core/errors.h"
#include "core/json_parse.h"

namespace mg::applications {

namespace {
// RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  std::size_t i = 0;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) i = 3;  // BOM from Excel
  for (; i < text.size(); ++i) {
    char c = text[i];
    any = true;
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      any = false;
    } else {
      field.push_back(c);
    }
  }
  if (quoted) throw ApiError::bad_request("CSV の引用符が閉じていません", "csv");
  if (any) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string norm(const std::string& s) { return conversation::normalize_text(s); }

// Stored rows are JSON, which must be UTF-8 (the serialiser throws otherwise, a 500); Excel in
// Japan saves CSV as Shift_JIS by default, so say so.
bool is_utf8(const std::string& s) {
  int32_t i = 0;
  const auto n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(s.data(), i, n, c);
    if (c < 0) return false;
  }
  return true;
}
}  // namespace

std::optional<Json> DbLookupProvider::find(const std::string& list,
                                           const std::map<std::string, std::string>& fields) const {
  std::optional<Json> found;
  tx_.each(
      "SELECT data FROM lookup_rows WHERE tenant_id = ? AND list_name = ?", {tenant_id_, list},
      [&](const store::Row& r) {
        Json row = parse_stored_json(r.str(0));
        for (const auto& [k, v] : fields) {
          if (!row.contains(k) || !row[k].is_string() || norm(row[k].get<std::string>()) != norm(v))
            return true;
        }
        found = row;
        return false;
      });
  return found;
}

std::vector<std::string> parse_lookup_csv(const std::string& csv) {
  if (!is_utf8(csv))
    throw ApiError::bad_request("CSV は UTF-8 で保存してください（Shift_JIS などは読み込めません）",
                                "csv");
  auto rows = parse_csv(csv);
  if (rows.empty()) throw ApiError::bad_request("CSV が空です", "csv");
  const auto& header = rows.front();
  for (std::size_t i = 1; i < rows.size(); ++i)
    if (rows[i].size() != header.size() && !(rows[i].size() == 1 && rows[i][0].empty()))
      throw ApiError::bad_request(std::to_string(i + 1) + " 行目の列の数が見出しと違います", "csv");
  std::vector<std::string> out;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].size() != header.size()) continue;
    Json data = Json::object();
    for (std::size_t c = 0; c < header.size(); ++c) data[norm(header[c])] = rows[i][c];
    out.push_back(data.dump());
  }
  return out;
}

int64_t replace_list(store::Tx& tx, int64_t tenant_id, const std::string& list,
                     const std::string& csv) {
  auto rows = parse_lookup_csv(csv);
  tx.exec("DELETE FROM lookup_rows WHERE tenant_id = ? AND list_name = ?", {tenant_id, list});
  for (const auto& data : rows)
    tx.exec("INSERT INTO lookup_rows(tenant_id, list_name, match_key, data) VALUES (?, ?, '', ?)",
            {tenant_id, list, data});
  return static_cast<int64_t>(rows.size());
}

}  // namespace mg::applications
