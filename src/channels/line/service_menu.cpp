#include "channels/line/service_menu.h"

#include <algorithm>

#include "channels/line/postback_data.h"
#include "channels/line/renderer.h"

namespace mg::line {

namespace {
Json quick(Json action) { return Json{{"type", "action"}, {"action", std::move(action)}}; }
}  // namespace

Json service_menu_message(const std::vector<services::ServiceSummary>& services, int page,
                          const std::string& intro) {
  if (services.empty())
    return Json{{"type", "text"},
                {"text", intro + "\n現在、LINEで受け付けている手続きはありません。"}};
  int pages = static_cast<int>((services.size() + kServicesPerPage - 1) / kServicesPerPage);
  page = std::clamp(page, 0, pages - 1);
  std::string text = intro;
  Json items = Json::array();
  if (page > 0)
    items.push_back(quick(postback_action(
        "前へ", encode_postback({Postback::Kind::menu, std::to_string(page - 1)}))));
  for (size_t i = page * kServicesPerPage; i < services.size() && i < (page + 1) * kServicesPerPage;
       ++i) {
    const auto& s = services[i];
    text += "\n・" + s.title;
    items.push_back(quick(postback_action(
        s.title, encode_postback({Postback::Kind::service, std::to_string(s.id)}))));
  }
  if (page + 1 < pages)
    items.push_back(quick(postback_action(
        "次へ", encode_postback({Postback::Kind::menu, std::to_string(page + 1)}))));
  return Json{{"type", "text"}, {"text", text}, {"quickReply", {{"items", items}}}};
}

const services::ServiceSummary* service_named(const std::vector<services::ServiceSummary>& services,
                                              const std::string& text) {
  if (text.empty()) return nullptr;
  const services::ServiceSummary* found = nullptr;
  for (const auto& s : services) {
    if (s.title == text) return &s;
    if (s.title.find(text) != std::string::npos) {
      if (found) return nullptr;
      found = &s;
    }
  }
  return found;
}

}  // namespace mg::line
