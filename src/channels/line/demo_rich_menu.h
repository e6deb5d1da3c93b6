#pragma once
// The demo tenant's default rich menu (serve --demo --demo-line-sim): 手続き / 申請した手続き /
// 通報する, so line-sim shows what a town's LINE account looks like.
#include <cstdint>
#include <string>

#include "core/json.h"
#include "store/db.h"

namespace mg::line {

inline constexpr const char* kDemoRichMenuName = "demo";
// What the 申請した手続き area sends (Postback::Kind::command).
inline constexpr const char* kMyApplicationsCommand = "applications";

// The LINE rich menu object (2500×843, three areas).
Json demo_rich_menu();

// Stores the demo menu, creates it on LINE and makes it the default, unless staff chose another
// default. `image_file` is a PNG of the menu's size (templates/line/demo-rich-menu.png); when it
// cannot be read the generated placeholder is used. Never throws: a line-sim that is not up
// only costs the demo its menu (logged).
void ensure_demo_rich_menu(store::Db& db, int64_t tenant_id, const std::string& image_file);

}  // namespace mg::line
