#include "channels/line/demo_rich_menu.h"

#include <fstream>
#include <iterator>

#include "channels/line/postback_data.h"
#include "channels/line/rich_menu_image.h"
#include "channels/line/rich_menu_line.h"
#include "channels/line/rich_menu_store.h"
#include "channels/line/rich_menu_validation.h"
#include "core/log.h"

namespace mg::line {

namespace {

constexpr int kWidth = 2500, kHeight = 843;

Json area(int index, Json action) {
  int x = index * kWidth / 3, next = (index + 1) * kWidth / 3;
  return Json{{"bounds", {{"x", x}, {"y", 0}, {"width", next - x}, {"height", kHeight}}},
              {"action", std::move(action)}};
}

std::string read_image(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  auto size = image_size(bytes);
  // Only an image LINE would take for this menu; anything else falls back to the generated one.
  if (!size || size->first != kWidth || size->second != kHeight || bytes.size() > 1024 * 1024)
    return {};
  return bytes;
}

}  // namespace

Json demo_rich_menu() {
  Json menu_action{{"type", "postback"},
                   {"label", "手続き"},
                   {"data", encode_postback({Postback::Kind::menu, "0"})},
                   {"displayText", "手続き一覧"}};
  Json mine_action{{"type", "postback"},
                   {"label", "申請した手続き"},
                   {"data", encode_postback({Postback::Kind::command, kMyApplicationsCommand})},
                   {"displayText", "申請した手続き"}};
  // A service postback may name the service by title (Desk::on_postback), so no id is baked
  // in; unlike a typed title it also works in the middle of another dialog.
  Json report_action{{"type", "postback"},
                     {"label", "通報する"},
                     {"data", encode_postback({Postback::Kind::service, "道路・公園の損傷の連絡"})},
                     {"displayText", "道路・公園の損傷の連絡"}};
  return Json{
      {"size", {{"width", kWidth}, {"height", kHeight}}},
      {"selected", true},
      {"name", "デモ町メニュー"},
      {"chatBarText", "メニュー"},
      {"areas", Json::array({area(0, menu_action), area(1, mine_action), area(2, report_action)})}};
}

void ensure_demo_rich_menu(store::Db& db, int64_t tenant_id, const std::string& image_file) {
  try {
    Json menu = demo_rich_menu();
    if (auto problems = validate_rich_menu(menu); !problems.empty()) {
      log::error("demo rich menu invalid", {{"field", problems.front().field}});
      return;
    }
    std::string image = read_image(image_file);
    std::string color = kDefaultMenuColor;
    // Reading and hashing (or generating) the image happens here, before the write
    // transaction: the writer lock is shared by every tenant and must never wait on it.
    std::string sha = rich_menu_image_sha256(menu, image, color);
    auto stored = db.write([&](store::Tx& tx) -> std::optional<StoredRichMenu> {
      auto state = load_rich_menu_state(tx, tenant_id);
      // Staff set another default (or switch-all is on): leave their choice alone.
      if (state.switched_all ||
          (!state.default_name.empty() && state.default_name != kDemoRichMenuName))
        return std::nullopt;
      return put_rich_menu(tx, tenant_id, kDemoRichMenuName, menu, image, color, sha).menu;
    });
    if (!stored) return;
    auto line = RichMenuLine::for_tenant(db, tenant_id);
    std::string id;
    try {
      id = line.ensure(db, *stored);
      line.set_default(id);
    } catch (const std::exception&) {
      // line-sim keeps menus in memory: after its restart the recorded ID is unknown there.
      // Create the menu again once.
      db.write([&](store::Tx& tx) { record_line_menu_id(tx, stored->id, ""); });
      stored->line_rich_menu_id.clear();
      stored->uploaded_image_sha256.clear();
      id = line.ensure(db, *stored);
      line.set_default(id);
    }
    db.write([&](store::Tx& tx) {
      auto s = load_rich_menu_state(tx, tenant_id);
      s.default_name = kDemoRichMenuName;
      save_rich_menu_state(tx, tenant_id, s);
    });
    log::info("demo rich menu is the default", {{"image", image.empty() ? "generated" : "file"}});
  } catch (const std::exception& e) {
    log::warn("demo rich menu not set", {{"error", e.what()}});
  }
}

}  // namespace mg::line
