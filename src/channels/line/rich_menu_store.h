#pragma once
// Rich menus kept in line_rich_menus, and the tenant's rich menu state (which menu is the
// default, and the one to restore after a switch-all) in tenants.settings["line_rich_menus"].
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "channels/line/rich_menu_image.h"
#include "core/json.h"
#include "store/db.h"

namespace mg::line {

inline constexpr const char* kDefaultMenuColor = "#E8F5E9";

struct StoredRichMenu {
  int64_t id = 0;
  std::string name;
  Json menu;                 // the LINE rich menu object as sent to POST /v2/bot/richmenu
  std::string custom_image;  // uploaded PNG/JPEG bytes; empty -> a generated image
  std::string color = kDefaultMenuColor;  // background of the generated image
  std::string image_sha256;
  std::string line_rich_menu_id;      // '' until created on LINE
  std::string uploaded_image_sha256;  // the image LINE has for line_rich_menu_id

  // The bytes to upload: the custom image, or the generated image rebuilt from the menu.
  std::string image() const;
  std::string image_content_type() const;
  bool on_line() const { return !line_rich_menu_id.empty(); }
  bool image_uploaded() const { return on_line() && uploaded_image_sha256 == image_sha256; }
};

std::optional<StoredRichMenu> find_rich_menu(store::Tx& tx, int64_t tenant_id,
                                             const std::string& name);
std::vector<StoredRichMenu> list_rich_menus(store::Tx& tx, int64_t tenant_id);

struct PutResult {
  StoredRichMenu menu;
  bool created = false;
  bool replaced_on_line = false;  // content changed: a new LINE menu will be created
};
// The SHA-256 of the image a menu uploads (generating it when there is no custom image).
// Call it before opening a transaction: generating an image is work no writer lock should wait on.
std::string rich_menu_image_sha256(const Json& menu, const std::string& custom_image,
                                   const std::string& color);
// Creates or replaces a menu. LINE menus and their images are immutable, so a change of the
// menu or image forgets the LINE menu ID; the next default/link creates a new one.
// `image_sha256` comes from rich_menu_image_sha256 (computed outside the transaction).
PutResult put_rich_menu(store::Tx& tx, int64_t tenant_id, const std::string& name, const Json& menu,
                        const std::string& custom_image, const std::string& color,
                        const std::string& image_sha256);
void record_line_menu_id(store::Tx& tx, int64_t id, const std::string& line_rich_menu_id);
void record_uploaded_image(store::Tx& tx, int64_t id, const std::string& sha256);

struct RichMenuState {
  std::string default_name;      // the menu set as default through the API
  std::string previous_default;  // what switch-all replaced; restored by switch-all back
  bool switched_all = false;     // switch-all (disaster mode) is active
  Json to_json() const;
};
RichMenuState load_rich_menu_state(store::Tx& tx, int64_t tenant_id);
void save_rich_menu_state(store::Tx& tx, int64_t tenant_id, const RichMenuState& state);

}  // namespace mg::line
