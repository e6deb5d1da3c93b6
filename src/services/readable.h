#pragma once
// What staff read instead of JSON: a service's steps as a Japanese list (template gallery),
// and what a draft changes compared with the published version (services page). Pure.
#include <string>

#include "conversation/definition.h"
#include "core/json.h"

namespace mg::services {

// One entry per step: {id, kind, kind_label, label, text, choices:[{label, fee?}], fee?, list?}.
// kind_label is Japanese (「選択」「文章の入力」…); hidden steps (branch) are left out.
Json readable_steps(const conversation::ServiceDefinition& def);

// The differences from `published` to `draft` (both raw definitions, as stored), in order:
// metadata first, then steps by id. Each {kind: meta_changed|step_added|step_removed|
// step_changed, label, message} where message is a Japanese sentence for staff. Empty when the
// two are the same canonical JSON.
Json definition_changes(const Json& published, const Json& draft);

// Canonical comparison: objects compare by key whatever their order in the source.
bool same_definition(const Json& a, const Json& b);

}  // namespace mg::services
