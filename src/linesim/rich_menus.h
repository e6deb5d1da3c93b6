#pragma once
// Rich menus, their images, the default menu, per-user links and aliases. Validation
// follows LINE's documented rules (size 800-2500 x >=250, ratio >= 1.45, <=20 areas inside
// the menu, chatBarText <= 14, name <= 300). Not thread-safe: the Platform's lock guards it.
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "core/json.h"
#include "linesim/line_error.h"

namespace mg::linesim {

struct RichMenu {
  std::string id;
  Json definition;  // the request body as accepted
  std::string image;
  std::string image_type;
  Json to_json() const;  // RichMenuResponse
};

// Validates a RichMenuRequest body (also used by /v2/bot/richmenu/validate).
void validate_rich_menu(const Json& body, Problems& problems);

// Width and height of a PNG or JPEG image, from its header; nullopt when unreadable.
std::optional<std::pair<int, int>> image_dimensions(const std::string& bytes);

class RichMenuBook {
 public:
  static constexpr std::size_t kMaxMenus = 1000;
  static constexpr std::size_t kMaxImageBytes = 1024 * 1024;

  RichMenu& create(Json definition);
  RichMenu* find(const std::string& id);
  void restore(RichMenu menu);         // re-adds a menu with its saved ID (state loading)
  bool remove(const std::string& id);  // also drops aliases and the default pointing at it
  const std::map<std::string, RichMenu>& all() const { return menus_; }
  std::size_t size() const { return menus_.size(); }

  std::string default_id;
  std::map<std::string, std::string> aliases;  // aliasId -> richMenuId

  void clear();

 private:
  std::map<std::string, RichMenu> menus_;
};

}  // namespace mg::linesim
