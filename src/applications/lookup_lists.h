#pragma once
// Staff-uploaded lists (CSV) that lookup steps check answers against, e.g. 対象者台帳.
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

// The CSV's data rows as they are stored: one JSON object per row, keyed by the normalised
// header fields. Pure (no database) so the parser can be fuzzed; ApiError 400 naming the line on
// malformed CSV.
std::vector<std::string> parse_lookup_csv(const std::string& csv);

// Replaces the list with the CSV's rows (header row = field names). Returns the row count;
// ApiError 400 naming the line on malformed CSV.
int64_t replace_list(store::Tx& tx, int64_t tenant_id, const std::string& list,
                     const std::string& csv);

}  // namespace mg::applications
