#pragma once
// nlohmann::json is the one JSON type used across the code base.
#include <nlohmann/json.hpp>

namespace mg {
using Json = nlohmann::json;
}

// Text becomes Json only through the bounded parsers (parse_json and friends); included here so
// every file that sees mg::Json sees them.
#include "core/json_parse.h"  // IWYU pragma: export
