#pragma once
// Which LINE users a rich menu goes to: residents with a LINE identity (external id = LINE
// user ID). The 村民 / 村外の方 split is the resident attribute "segment" = "resident" |
// "non_resident". The menu linked to a resident is remembered in the attribute
// "line_rich_menu", so links can be re-applied after a switch-all. Both live in the residents
// capability's resident_attributes table (residents/store.h).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/json.h"
#include "store/db.h"

namespace mg::line {

struct LineRecipient {
  int64_t resident_id = 0;
  std::string user_id;  // LINE user ID
  int64_t tenant_id = 0;
};

// The given residents; ApiError 400 (field resident_ids) naming any that is not a LINE
// resident of the tenant.
std::vector<LineRecipient> residents_by_id(store::Tx& tx, int64_t tenant_id, const Json& ids);
std::vector<LineRecipient> residents_in_segment(store::Tx& tx, int64_t tenant_id,
                                                const std::string& segment);
std::vector<LineRecipient> all_line_residents(store::Tx& tx, int64_t tenant_id);
// LINE residents matching a condition over attributes (residents/condition.h); 400 when bad.
std::vector<LineRecipient> residents_matching(store::Tx& tx, int64_t tenant_id,
                                              const Json& condition);

void remember_links(store::Tx& tx, const std::vector<LineRecipient>& who,
                    const std::string& menu_name);
// menu name -> residents whose remembered link is that menu.
std::map<std::string, std::vector<LineRecipient>> remembered_links(store::Tx& tx,
                                                                   int64_t tenant_id);

}  // namespace mg::line
