#pragma once
// Rules of the residents capability: what an attribute definition may say, which values fit
// a definition, and the operations staff routes call (inside the caller's transaction).
// Problems are ApiError 400 with a Japanese message and the field at fault; a taken key is 409.
#include <cstddef>
#include <string>
#include <vector>

#include "core/json.h"
#include "residents/model.h"
#include "residents/store.h"

namespace mg::residents {

inline constexpr std::size_t kMaxDefinitions = 100;   // per tenant
inline constexpr std::size_t kMaxOptions = 200;       // per choice definition
inline constexpr std::size_t kMaxValuesPerKey = 100;  // a multiple attribute of one resident
inline constexpr std::size_t kMaxLabelChars = 40;     // a definition's label
inline constexpr std::size_t kMaxOptionChars = 100;   // an option's value or label
inline constexpr std::size_t kMaxTextChars = 500;     // a text value
inline constexpr std::size_t kMaxTagChars = 50;       // a tag value
inline constexpr std::size_t kMaxHelpChars = 200;     // a definition's help for residents
// Written by the LINE rich-menu code only; staff cannot define it.
inline constexpr const char* kLineRichMenuKey = "line_rich_menu";

// ---- pure rules ----------------------------------------------------------------------------

bool valid_key(const std::string& key);  // [a-z0-9_]{1,40}
bool valid_date(const std::string& s);   // YYYY-MM-DD, a day that exists

// A definition from a request body ({key, label, type, multiple, options, resident_editable,
// resident_label, resident_help, position}), checked with validate_definition. tenant_id and id
// stay 0.
AttributeDefinition definition_from_json(const Json& body);
void validate_definition(const AttributeDefinition& d);
Json to_json(const AttributeDefinition& d);

// The values one JSON value stands for under a definition: null or [] is none, an array only
// for multiple definitions. Field for errors: "values.<key>".
std::vector<AttributeValue> values_from_json(const AttributeDefinition& d, const Json& value);
// {key: value} of a resident; arrays for multiple definitions, numbers for number ones. Keys
// without a definition (written by channels) show their text values.
Json values_json(const std::vector<AttributeDefinition>& defs,
                 const std::vector<AttributeValue>& values);

// ---- operations ----------------------------------------------------------------------------

// 409 when the key is taken; 400 past kMaxDefinitions.
AttributeDefinition create_definition(store::Tx& tx, int64_t tenant_id, AttributeDefinition d);
// Key and type stay as created (400 otherwise). 409 when switching multiple off while a
// resident holds several values, or when removing a choice option still in use.
AttributeDefinition change_definition(store::Tx& tx, int64_t tenant_id, int64_t id,
                                      AttributeDefinition d);
// Removes the definition and its values; returns what was removed. 404 when not the tenant's.
AttributeDefinition remove_definition(store::Tx& tx, int64_t tenant_id, int64_t id);

// {resident_id, values} for staff; 404 when not the tenant's resident.
Json resident_attributes(store::Tx& tx, int64_t tenant_id, int64_t resident_id);
// body {"values": {key: value}}: each key named is replaced (null or [] removes it); keys must
// have a definition. Returns the keys changed (for the audit log).
std::vector<std::string> set_resident_attributes(store::Tx& tx, int64_t tenant_id,
                                                 int64_t resident_id, const Json& body);

}  // namespace mg::residents
