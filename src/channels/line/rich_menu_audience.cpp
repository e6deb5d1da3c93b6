#include "channels/line/rich_menu_audience.h"

#include "residents/condition.h"

#include "core/errors.h"
#include "residents/service.h"
#include "residents/store.h"

namespace mg::line {

namespace {

constexpr const char* kSegmentKey = "segment";
constexpr const char* kChannel = "line";

std::vector<LineRecipient> recipients(int64_t tenant_id,
                                      const std::vector<residents::Identity>& ids) {
  std::vector<LineRecipient> out;
  out.reserve(ids.size());
  for (const auto& i : ids) out.push_back({i.resident_id, i.external_id, tenant_id});
  return out;
}

}  // namespace

std::vector<LineRecipient> residents_by_id(store::Tx& tx, int64_t tenant_id, const Json& ids) {
  std::vector<LineRecipient> out;
  for (const auto& id : ids) {
    auto found = id.is_number_integer()
                     ? residents::identities_on(tx, tenant_id, kChannel, id.get<int64_t>())
                     : std::vector<residents::Identity>{};
    if (found.empty())
      throw ApiError::bad_request("LINE の住民ではありません: " + id.dump(), "resident_ids");
    for (const auto& r : recipients(tenant_id, found)) out.push_back(r);
  }
  return out;
}

std::vector<LineRecipient> residents_in_segment(store::Tx& tx, int64_t tenant_id,
                                                const std::string& segment) {
  return recipients(tenant_id,
                    residents::identities_with_text(tx, tenant_id, kChannel, kSegmentKey, segment));
}

std::vector<LineRecipient> residents_matching(store::Tx& tx, int64_t tenant_id,
                                              const Json& condition) {
  return recipients(tenant_id, residents::identities_matching(tx, tenant_id, kChannel, condition));
}

std::vector<LineRecipient> all_line_residents(store::Tx& tx, int64_t tenant_id) {
  return recipients(tenant_id, residents::identities_on(tx, tenant_id, kChannel));
}

void remember_links(store::Tx& tx, const std::vector<LineRecipient>& who,
                    const std::string& menu_name) {
  residents::AttributeValue v;
  v.key = residents::kLineRichMenuKey;
  v.text = menu_name;
  for (const auto& w : who)
    residents::replace_values(tx, w.tenant_id, w.resident_id, residents::kLineRichMenuKey, {v});
}

std::map<std::string, std::vector<LineRecipient>> remembered_links(store::Tx& tx,
                                                                   int64_t tenant_id) {
  std::map<std::string, std::vector<LineRecipient>> out;
  for (const auto& [identity, menu] :
       residents::identities_with_key(tx, tenant_id, kChannel, residents::kLineRichMenuKey))
    if (!menu.empty()) out[menu].push_back({identity.resident_id, identity.external_id, tenant_id});
  return out;
}

}  // namespace mg::line
