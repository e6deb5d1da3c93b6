#pragma once
// Settings that hold several values ("a, b,c"): --trusted-proxy, --line-api-allow.
#include <string>
#include <string_view>
#include <vector>

namespace mg {

// The comma-separated items, blanks around each trimmed, empty items dropped.
std::vector<std::string> setting_list(std::string_view comma_separated);

}  // namespace mg
