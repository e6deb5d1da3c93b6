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

std::vector<AddressCandidate> InlineAddresses::candidates(const std::string& postal) const {
  std::vector<AddressCandidate> out;
  if (!map_.is_object() || !map_.contains(postal)) return out;
  const Json& v = map_[postal];
  for (const Json& c : v.is_array() ? v : Json::array({v})) {
    if (c.is_string()) {
      std::string s = c.get<std::string>();
      std::string pref(leading_prefecture(s));
      out.push_back({pref, s.substr(pref.size()), ""});
    } else if (c.is_object()) {
      auto text = [&](const char* k) {
        return c.contains(k) && c[k].is_string() ? c[k].get<std::string>() : std::string();
      };
      out.push_back({text("prefecture"), text("city"), text("town")});
    }
  }
  return out;
}

}  // namespace mg::conversation
