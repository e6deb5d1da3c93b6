#include "conversation/inline_data.h"

#include "conversation/normalize.h"

namespace mg::conversation {

std::optional<Json> InlineLookup::find(const std::string& list,
                                       const std::map<std::string, std::string>& fields) const {
  if (!lists_.is_object() || !lists_.contains(list) || !lists_[list].is_array())
    return std::nullopt;
  for (const auto& row : lists_[list]) {
    if (!row.is_object()) continue;
    bool all = true;
    for (const auto& [k, v] : fields) {
      if (!row.contains(k)) {
        all = false;
        break;
      }
      std::string cell = row[k].is_string() ? row[k].get<std::string>() : row[k].dump();
      if (normalize_text(cell) != normalize_text(v)) {
        all = false;
        break;
      }
    }
    if (all) return row;
  }
  return std::nullopt;
}

std::optional<std::string> InlineAddresses::address_for(const std::string& postal) const {
  if (map_.is_object() && map_.contains(postal) && map_[postal].is_string())
    return map_[postal].get<std::string>();
  return std::nullopt;
}

}  // namespace mg::conversation
