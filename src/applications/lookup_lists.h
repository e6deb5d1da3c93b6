#pragma once
// Staff-uploaded lists (CSV) that lookup steps check answers against, e.g. 対象者台帳.
#include <optional>
#include <string>
#include <vector>

#include "conversation/context.h"
#include "store/db.h"

namespace mg::applications {

// Reads rows through the caller's transaction; lists are small (thousands of rows).
class DbLookupProvider : public conversation::LookupProvider {
 public:
  DbLookupProvider(store::Tx& tx, int64_t tenant_id) : tx_(tx), tenant_id_(tenant_id) {}
  std::optional<Json> find(const std::string& list,
                           const std::map<std::string, std::string>& fields) const override;

 private:
  store::Tx& tx_;
  int64_t tenant_id_;
};

// Bounds on an uploaded list (one municipality's 対象者名簿 is thousands of rows).
struct LookupLimits {
  std::size_t max_bytes = 5 * 1024 * 1024;
  std::size_t max_rows = 20000;
  std::size_t max_columns = 30;
  std::size_t max_field_bytes = 500;
};

// An uploaded CSV, decoded: Excel's Shift_JIS (CP932) or UTF-8 with or without BOM.
struct LookupTable {
  std::string encoding;              // "UTF-8", "UTF-8（BOM 付き）" or "Shift_JIS"
  std::vector<std::string> columns;  // normalised header fields
  std::vector<std::vector<std::string>> rows;
};

// Decodes and checks the file; ApiError 400 (field "csv") naming the row and column, in
// Japanese, for anything staff must fix. Pure (no database) so it can be fuzzed.
LookupTable read_lookup_csv(const std::string& bytes, const LookupLimits& limits = {});

// The CSV's data rows as they are stored: one JSON object per row, keyed by the normalised
// header fields. Pure (no database) so the parser can be fuzzed; ApiError 400 naming the line on
// malformed CSV.
std::vector<std::string> parse_lookup_csv(const std::string& csv);

// Replaces the list with the CSV's rows (header row = field names) and records who replaced
// it when. Returns the row count; ApiError 400 naming the line on malformed CSV.
int64_t replace_list(store::Tx& tx, int64_t tenant_id, const std::string& list,
                     const std::string& csv);
int64_t replace_list(store::Tx& tx, int64_t tenant_id, const std::string& list,
                     const LookupTable& table, std::optional<int64_t> staff_id,
                     const std::string& file_name);

// The list as a CSV again (UTF-8 with BOM, so Excel opens it), for staff to download.
std::string list_csv(store::Tx& tx, int64_t tenant_id, const std::string& list);

// Every list the tenant has uploaded: {name, rows, columns, encoding, file_name, replaced_at,
// replaced_by (name or null)}.
Json uploaded_lists(store::Tx& tx, int64_t tenant_id);

}  // namespace mg::applications
