#pragma once
// 受信設定: a resident reading and changing their own attributes — only those staff marked
// resident_editable. The same rules serve the web page (settings_routes.*) and the LINE dialog
// (channels/line/receiving_settings.*). A key that is not editable is refused with the same
// message as one that does not exist, so residents cannot probe staff-only attributes.
#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "residents/model.h"
#include "store/db.h"

namespace mg::residents {

// The tenant's editable definitions, in display order.
std::vector<AttributeDefinition> editable_definitions(store::Tx& tx, int64_t tenant_id);

// What residents read for a definition: resident_label, or the staff label when empty.
const std::string& resident_facing_label(const AttributeDefinition& d);

// {items: [{key, label, help, type, multiple, options}], values: {key: value}}; values of
// editable keys only. resident_id 0 (no resident yet): no values.
Json own_settings(store::Tx& tx, int64_t tenant_id, int64_t resident_id);

// The values one change names, per key, checked against the editable definitions.
using SettingChanges = std::vector<std::pair<std::string, std::vector<AttributeValue>>>;

// body {"values": {key: value}} and nothing else (a resident id in the body is refused: the
// resident is the caller). Each key named is replaced (null or [] removes it); everything is
// checked before anything is written. Returns the keys changed. ApiError 400 otherwise.
SettingChanges checked_own_settings(store::Tx& tx, int64_t tenant_id, const Json& body);
std::vector<std::string> set_own_settings(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                                          const Json& body);
// Writes checked changes (the LINE dialog builds them one key at a time); 404 when the
// resident is not the tenant's.
std::vector<std::string> apply_own_settings(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                                            const SettingChanges& changes);

}  // namespace mg::residents
