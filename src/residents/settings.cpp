#include "residents/settings.h"

#include "core/errors.h"
#include "residents/service.h"
#include "residents/store.h"

namespace mg::residents {

std::vector<AttributeDefinition> editable_definitions(store::Tx& tx, int64_t tenant_id) {
  std::vector<AttributeDefinition> out;
  for (auto& d : list_definitions(tx, tenant_id))
    if (d.resident_editable) out.push_back(std::move(d));
  return out;
}

const std::string& resident_facing_label(const AttributeDefinition& d) {
  return d.resident_label.empty() ? d.label : d.resident_label;
}

Json own_settings(store::Tx& tx, int64_t tenant_id, int64_t resident_id) {
  auto defs = editable_definitions(tx, tenant_id);
  Json items = Json::array();
  for (const auto& d : defs) {
    Json options = Json::array();
    for (const auto& o : d.options) options.push_back({{"value", o.value}, {"label", o.label}});
    items.push_back({{"key", d.key},
                     {"label", resident_facing_label(d)},
                     {"help", d.resident_help},
                     {"type", to_string(d.type)},
                     {"multiple", d.multiple},
                     {"options", options}});
  }
  std::vector<AttributeValue> mine;
  if (resident_id != 0)
    for (auto& v : values_of(tx, tenant_id, resident_id))
      for (const auto& d : defs)
        if (d.key == v.key) {
          mine.push_back(std::move(v));
          break;
        }
  return {{"items", items}, {"values", values_json(defs, mine)}};
}

SettingChanges checked_own_settings(store::Tx& tx, int64_t tenant_id, const Json& body) {
  if (!body.is_object())
    throw ApiError::bad_request("values を {キー: 値} で指定してください", "values");
  for (auto it = body.begin(); it != body.end(); ++it)
    if (it.key() != "values")
      throw ApiError::bad_request("受信設定で変更できるのは values だけです", "values");
  auto values = body.find("values");
  if (values == body.end() || !values->is_object())
    throw ApiError::bad_request("values を {キー: 値} で指定してください", "values");
  if (values->size() > kMaxDefinitions)
    throw ApiError::bad_request(
        "一度に変更できる項目は" + std::to_string(kMaxDefinitions) + "個までです", "values");
  auto defs = editable_definitions(tx, tenant_id);
  SettingChanges changes;
  for (auto v = values->begin(); v != values->end(); ++v) {
    const AttributeDefinition* d = nullptr;
    for (const auto& x : defs)
      if (x.key == v.key()) d = &x;
    // Staff-only and unknown keys get one answer, and the key is not echoed.
    if (!d) throw ApiError::bad_request("受信設定で変更できない項目が含まれています", "values");
    AttributeDefinition shown = *d;
    shown.label = resident_facing_label(*d);  // messages name what the resident reads
    changes.emplace_back(d->key, values_from_json(shown, v.value()));
  }
  return changes;
}

std::vector<std::string> set_own_settings(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                                          const Json& body) {
  return apply_own_settings(tx, tenant_id, resident_id, checked_own_settings(tx, tenant_id, body));
}

std::vector<std::string> apply_own_settings(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                                            const SettingChanges& changes) {
  if (!by_id(tx, tenant_id, resident_id)) throw ApiError::not_found("住民が見つかりません");
  std::vector<std::string> keys;
  for (const auto& [key, vals] : changes) {
    replace_values(tx, tenant_id, resident_id, key, vals);
    keys.push_back(key);
  }
  if (!keys.empty()) attributes_changed(tx, tenant_id, resident_id);
  return keys;
}

}  // namespace mg::residents
