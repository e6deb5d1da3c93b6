#pragma once
// A list of strings stored as a JSON array in one TEXT column (FAQ alternatives, a hand-off's
// recent questions).
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/json_parse.h"

namespace mg {

// The strings of a stored JSON array; anything else (or a non-string element) is skipped.
inline std::vector<std::string> stored_strings(std::string_view json) {
  std::vector<std::string> out;
  Json j = parse_stored_json(json);
  if (j.is_array())
    for (const auto& v : j)
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

// The strings as a JSON array to store; invalid UTF-8 is replaced rather than throwing.
inline std::string strings_json(const std::vector<std::string>& v) {
  Json j = Json::array();
  for (const auto& s : v) j.push_back(s);
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace mg
