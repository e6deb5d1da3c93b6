#pragma once
// nlohmann::json is the one JSON type used across the code base.
#include <nlohmann/json.hpp>

namespace mg {
using Json = nlohmann::json;
}
