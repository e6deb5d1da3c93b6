#pragma once
// The constraints of messaging-api.yml (and LINE's reference limits it points to) for the
// message types the channel produces, as a validator. There is no YAML parser in the build,
// so the schema is encoded here by hand; see docs/line-channel.md.
#include <string>
#include <vector>

#include "core/json.h"

namespace mg::line::testing {

// Problems found in one message object, as "path: reason"; empty when valid.
std::vector<std::string> validate_message(const Json& message);

}  // namespace mg::line::testing
