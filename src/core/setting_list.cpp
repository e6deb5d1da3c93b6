#include "core/setting_list.h"

namespace mg {

std::vector<std::string> setting_list(std::string_view comma_separated) {
  std::vector<std::string> out;
  while (!comma_separated.empty()) {
    auto comma = comma_separated.find(',');
    auto item = comma_separated.substr(0, comma);
    comma_separated.remove_prefix(comma == std::string_view::npos ? comma_separated.size()
                                                                  : comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

}  // namespace mg
