// Optional persistence (--state-dir): residents, their chat timelines, rich menus with
// images, the default menu and aliases are written as one JSON file on shutdown and on
// POST /sim/save, and read back at start. Tokens, keys and counters are deliberately not kept.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/crypto.h"
#include "core/json_parse.h"
#include "core/log.h"
#include "linesim/platform.h"

namespace mg::linesim {

namespace {
std::filesystem::path state_file(const std::string& dir) {
  return std::filesystem::path(dir) / "linesim-state.json";
}
}  // namespace

void Platform::save_state() const {
  if (config_.state_dir.empty()) return;
  Json users = Json::array();
  for (const auto& [id, r] : residents_.all()) {
    Json timeline = Json::array();
    for (const auto& e : r.timeline) timeline.push_back(e.to_json());
    users.push_back({{"userId", id},
                     {"displayName", r.display_name},
                     {"pictureUrl", r.picture_url},
                     {"statusMessage", r.status_message},
                     {"language", r.language},
                     {"following", r.following},
                     {"everFollowed", r.ever_followed},
                     {"richMenuId", r.rich_menu_id},
                     {"timeline", timeline}});
  }
  Json menus = Json::array();
  for (const auto& [id, m] : menus_.all())
    menus.push_back({{"richMenuId", id},
                     {"definition", m.definition},
                     {"image", crypto::base64_encode(m.image)},
                     {"imageType", m.image_type}});
  Json state = {{"users", users},
                {"richMenus", menus},
                {"defaultRichMenuId", menus_.default_id},
                {"aliases", menus_.aliases}};
  std::error_code ec;
  std::filesystem::create_directories(config_.state_dir, ec);
  auto path = state_file(config_.state_dir);
  auto tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << state.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) log::warn("linesim could not save state", {{"error", ec.message()}});
}

void Platform::load_state() {
  if (config_.state_dir.empty()) return;
  std::ifstream in(state_file(config_.state_dir), std::ios::binary);
  if (!in) return;
  std::stringstream ss;
  ss << in.rdbuf();
  Json state = parse_stored_json(ss.str(), {64, std::size_t{1} << 30});
  if (!state.is_object()) {
    log::warn("linesim state file unreadable; starting empty");
    return;
  }
  std::lock_guard lock(mu_);
  for (const auto& u : state.value("users", Json::array())) {
    auto& r = residents_.create(u["userId"], u.value("displayName", ""));
    r.picture_url = u.value("pictureUrl", "");
    r.status_message = u.value("statusMessage", "");
    r.language = u.value("language", "ja");
    r.following = u.value("following", false);
    r.ever_followed = u.value("everFollowed", false);
    r.rich_menu_id = u.value("richMenuId", "");
    for (const auto& e : u.value("timeline", Json::array())) {
      ChatEntry c;
      c.from = e.value("from", "");
      c.endpoint = e.value("endpoint", "");
      c.retry_key = e["retryKey"].is_string() ? e["retryKey"].get<std::string>() : "";
      c.request_id = e.value("requestId", "");
      c.timestamp = e.value("timestamp", int64_t{0});
      c.notification_disabled = e.value("notificationDisabled", false);
      c.message = e.value("message", Json::object());
      residents_.append(r, std::move(c));
    }
  }
  for (const auto& m : state.value("richMenus", Json::array())) {
    RichMenu menu;  // keeps its original ID: bots store it
    menu.id = m["richMenuId"];
    menu.definition = m["definition"];
    menu.image = crypto::base64_decode(m.value("image", ""));
    menu.image_type = m.value("imageType", "");
    menus_.restore(std::move(menu));
  }
  menus_.default_id = state.value("defaultRichMenuId", "");
  menus_.aliases = state.value("aliases", std::map<std::string, std::string>{});
}

}  // namespace mg::linesim
