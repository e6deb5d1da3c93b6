#pragma once
// SQL of the residents capability: residents, their channel identities, attribute definitions
// and attribute values (tables residents, resident_identities, attribute_definitions,
// resident_attributes). Typed rows in, typed rows out; no rules here (see service.h). Every
// query names its tenant, except issued(), which asks across tenants on purpose.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "residents/model.h"
#include "store/db.h"

namespace mg::residents {

struct Resident {
  int64_t id = 0;
  int64_t tenant_id = 0;
  std::string channel;  // the identity it was created with: "web" | "line"
  std::string status;   // "active" | "blocked"
};

// One channel identity of a resident (a LINE user id, a web device token hash).
struct Identity {
  int64_t resident_id = 0;
  std::string channel;
  std::string external_id;
  int64_t created_at = 0;
};

// ---- residents and identities --------------------------------------------------------------

// Finds or creates the resident for (channel, external id) inside the caller's transaction;
// a new resident gets its identity row too.
Resident find_or_create(store::Tx& tx, int64_t tenant_id, const std::string& channel,
                        const std::string& external_id);
// The resident owning this identity (any identity, not only the one it was created with).
std::optional<Resident> find(store::Tx& tx, int64_t tenant_id, const std::string& channel,
                             const std::string& external_id);
std::optional<Resident> by_id(store::Tx& tx, int64_t tenant_id, int64_t resident_id);
// True when some tenant already has this identity, i.e. we issued it (a web device token is
// accepted only if we handed it out; a value planted in a browser is not).
bool issued(store::Tx& tx, const std::string& channel, const std::string& external_id);
void set_status(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const std::string& status);
// LINE residents blocked in [from_ms, until_ms) (resident_blocks, written by set_status) with
// id <= max_resident_id and matching a filter over `residents r`.
int64_t count_blocked_between(store::Tx& tx, int64_t tenant_id, int64_t from_ms, int64_t until_ms,
                              int64_t max_resident_id, const std::string& filter_sql,
                              const store::Params& filter_params);
// Whether the resident matches a filter over `residents r` (a compiled condition).
bool resident_matches(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                      const std::string& filter_sql, const store::Params& filter_params);

// Observers of a resident's attribute changes made by staff or by the resident (受信設定),
// called in the changing transaction (rich menus per segment follow them). Registered at start.
using AttributesChanged = std::function<void(store::Tx&, int64_t tenant_id, int64_t resident_id)>;
void on_attributes_changed(AttributesChanged observer);
void attributes_changed(store::Tx& tx, int64_t tenant_id, int64_t resident_id);
int64_t count(store::Tx& tx, int64_t tenant_id);
store::Subquery count_query(int64_t tenant_id);

// Adds another identity to a resident. False when the identity already belongs to someone
// (this resident included); nothing is changed then.
bool link_identity(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                   const std::string& channel, const std::string& external_id);
std::vector<Identity> identities_of(store::Tx& tx, int64_t tenant_id, int64_t resident_id);
// Every identity on a channel, by resident id.
std::vector<Identity> identities_on(store::Tx& tx, int64_t tenant_id, const std::string& channel);
// The identities on a channel of one resident.
std::vector<Identity> identities_on(store::Tx& tx, int64_t tenant_id, const std::string& channel,
                                    int64_t resident_id);

// ---- attribute definitions -----------------------------------------------------------------

std::vector<AttributeDefinition> list_definitions(store::Tx& tx, int64_t tenant_id);
std::optional<AttributeDefinition> definition_by_id(store::Tx& tx, int64_t tenant_id, int64_t id);
std::optional<AttributeDefinition> definition_by_key(store::Tx& tx, int64_t tenant_id,
                                                     const std::string& key);
int64_t count_definitions(store::Tx& tx, int64_t tenant_id);
// Returns the new id; store::UniqueViolation when the key is taken.
int64_t insert_definition(store::Tx& tx, const AttributeDefinition& d);
// Label, multiple, options, resident_editable, position (key and type stay).
void update_definition(store::Tx& tx, const AttributeDefinition& d);
// Removes the definition and every value of its key.
void delete_definition(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& key);

// ---- attribute values ----------------------------------------------------------------------

// All values of a resident, by key, then in the order they were written.
std::vector<AttributeValue> values_of(store::Tx& tx, int64_t tenant_id, int64_t resident_id);
// The values of `keys` of many residents at once (a campaign batch's per-resident variables),
// by resident id, then in the order written. Residents without any are absent.
std::map<int64_t, std::vector<AttributeValue>> values_of_many(store::Tx& tx, int64_t tenant_id,
                                                              const std::vector<int64_t>& ids,
                                                              const std::vector<std::string>& keys);
// Replaces every value of one key of a resident (an empty list removes them). Locks the
// resident row first, so two concurrent replacements cannot both insert.
void replace_values(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const std::string& key,
                    const std::vector<AttributeValue>& values);
void delete_values(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const std::string& key);
// Residents of the tenant holding a key with more than one value (switching multiple off).
int64_t residents_with_several(store::Tx& tx, int64_t tenant_id, const std::string& key);
// Text values of a key in use, each once (removing a choice option that is in use).
std::vector<std::string> text_values_in_use(store::Tx& tx, int64_t tenant_id,
                                            const std::string& key);

// Identities on a channel of the residents with text value `value` for `key` (an EXISTS over
// resident_attributes), by resident id.
std::vector<Identity> identities_with_text(store::Tx& tx, int64_t tenant_id,
                                           const std::string& channel, const std::string& key,
                                           const std::string& value);
// (identity, text value) for every identity on a channel whose resident has `key`.
std::vector<std::pair<Identity, std::string>> identities_with_key(store::Tx& tx, int64_t tenant_id,
                                                                  const std::string& channel,
                                                                  const std::string& key);

// Carries residents.attributes (the JSON text the LINE code used to write) over into
// resident_attributes once: string values of well-formed keys become text values and the
// column is emptied, so a second run finds nothing. Keys already in resident_attributes win.
// Returns the residents converted.
int64_t carry_over_json_attributes(store::Db& db);

}  // namespace mg::residents
