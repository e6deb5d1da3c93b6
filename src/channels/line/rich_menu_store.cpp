#include "channels/line/rich_menu_store.h"

#include <algorithm>

#include "core/crypto.h"
#include "core/json_parse.h"

namespace mg::line {

namespace {

constexpr const char* kColumns =
    "id, name, definition, image_sha256, line_rich_menu_id, uploaded_image_sha256";
constexpr const char* kSettingsKey = "line_rich_menus";

// definition holds {menu, color, image_base64?}: the table has no image column (see docs).
StoredRichMenu from_row(const store::Row& r) {
  StoredRichMenu m;
  m.id = r.i64(0);
  m.name = r.str(1);
  Json def = parse_stored_json(r.str(2));
  if (def.is_object()) {
    m.menu = def.value("menu", Json::object());
    m.color = def.value("color", std::string(kDefaultMenuColor));
    m.custom_image = crypto::base64_decode(def.value("image_base64", std::string()));
  }
  m.image_sha256 = r.str(3);
  m.line_rich_menu_id = r.str(4);
  m.uploaded_image_sha256 = r.str(5);
  return m;
}

std::string definition_text(const StoredRichMenu& m) {
  Json def{{"menu", m.menu}, {"color", m.color}};
  if (!m.custom_image.empty()) def["image_base64"] = crypto::base64_encode(m.custom_image);
  return def.dump();
}

}  // namespace

std::string StoredRichMenu::image() const {
  if (!custom_image.empty()) return custom_image;
  auto side = [&](const char* key) {
    if (!menu.is_object() || !menu.contains("size")) return 1;
    const Json& size = menu["size"];
    if (!size.is_object() || !size.contains(key) || !size[key].is_number_integer()) return 1;
    return static_cast<int>(std::clamp<int64_t>(size[key].get<int64_t>(), 1, kMaxGeneratedSide));
  };
  Rgb bg = parse_rgb(color).value_or(Rgb{0xE8, 0xF5, 0xE9});
  return generated_menu_png(side("width"), side("height"), bg, Rgb{0x2E, 0x7D, 0x32},
                            menu.is_object() && menu.contains("areas") ? menu["areas"] : Json());
}

std::string StoredRichMenu::image_content_type() const {
  return custom_image.empty() ? "image/png" : line::image_content_type(custom_image);
}

std::optional<StoredRichMenu> find_rich_menu(store::Tx& tx, int64_t tenant_id,
                                             const std::string& name) {
  auto r = tx.one(
      std::string("SELECT ") + kColumns + " FROM line_rich_menus WHERE tenant_id = ? AND name = ?",
      {tenant_id, name});
  if (!r) return std::nullopt;
  return from_row(*r);
}

std::vector<StoredRichMenu> list_rich_menus(store::Tx& tx, int64_t tenant_id) {
  std::vector<StoredRichMenu> out;
  for (const auto& r : tx.query(std::string("SELECT ") + kColumns +
                                    " FROM line_rich_menus WHERE tenant_id = ? ORDER BY name",
                                {tenant_id}))
    out.push_back(from_row(r));
  return out;
}

std::string rich_menu_image_sha256(const Json& menu, const std::string& custom_image,
                                   const std::string& color) {
  StoredRichMenu m;
  m.menu = menu;
  m.custom_image = custom_image;
  m.color = color;
  return crypto::sha256_hex(m.image());
}

PutResult put_rich_menu(store::Tx& tx, int64_t tenant_id, const std::string& name, const Json& menu,
                        const std::string& custom_image, const std::string& color,
                        const std::string& image_sha256) {
  PutResult res;
  auto existing = find_rich_menu(tx, tenant_id, name);
  StoredRichMenu& m = res.menu;
  if (existing) m = *existing;
  m.name = name;
  m.menu = menu;
  m.custom_image = custom_image;
  m.color = color;
  m.image_sha256 = image_sha256;
  if (!existing) {
    res.created = true;
    m.id = tx.insert_id(
        "INSERT INTO line_rich_menus(tenant_id, name, definition, image_sha256) VALUES (?, ?, ?, "
        "?) RETURNING id",
        {tenant_id, name, definition_text(m), m.image_sha256});
    return res;
  }
  if (existing->on_line() && (existing->menu != menu || existing->image_sha256 != m.image_sha256)) {
    res.replaced_on_line = true;
    m.line_rich_menu_id.clear();
    m.uploaded_image_sha256.clear();
  }
  tx.exec(
      "UPDATE line_rich_menus SET definition = ?, image_sha256 = ?, line_rich_menu_id = ?, "
      "uploaded_image_sha256 = ? WHERE id = ?",
      {definition_text(m), m.image_sha256, m.line_rich_menu_id, m.uploaded_image_sha256, m.id});
  return res;
}

void record_line_menu_id(store::Tx& tx, int64_t id, const std::string& line_rich_menu_id) {
  tx.exec(
      "UPDATE line_rich_menus SET line_rich_menu_id = ?, uploaded_image_sha256 = '' WHERE id = ?",
      {line_rich_menu_id, id});
}

void record_uploaded_image(store::Tx& tx, int64_t id, const std::string& sha256) {
  tx.exec("UPDATE line_rich_menus SET uploaded_image_sha256 = ? WHERE id = ?", {sha256, id});
}

Json RichMenuState::to_json() const {
  return Json{
      {"default", default_name.empty() ? Json(nullptr) : Json(default_name)},
      {"previous_default", previous_default.empty() ? Json(nullptr) : Json(previous_default)},
      {"switched_all", switched_all}};
}

RichMenuState load_rich_menu_state(store::Tx& tx, int64_t tenant_id) {
  RichMenuState s;
  auto r = tx.one("SELECT settings FROM tenants WHERE id = ?", {tenant_id});
  if (!r) return s;
  Json settings = parse_stored_json(r->str(0));
  if (!settings.is_object() || !settings.contains(kSettingsKey)) return s;
  const Json& j = settings[kSettingsKey];
  s.default_name = j.value("default", std::string());
  s.previous_default = j.value("previous_default", std::string());
  s.switched_all = j.value("switched_all", false);
  return s;
}

void save_rich_menu_state(store::Tx& tx, int64_t tenant_id, const RichMenuState& state) {
  // Read-modify-write of our key only, locked, so other settings keys are kept.
  auto r = tx.one(std::string("SELECT settings FROM tenants WHERE id = ?") + store::for_update(tx),
                  {tenant_id});
  Json settings = r ? parse_stored_json(r->str(0)) : Json::object();
  if (!settings.is_object()) settings = Json::object();
  settings[kSettingsKey] = {{"default", state.default_name},
                            {"previous_default", state.previous_default},
                            {"switched_all", state.switched_all}};
  tx.exec("UPDATE tenants SET settings = ? WHERE id = ?", {settings.dump(), tenant_id});
}

}  // namespace mg::line
