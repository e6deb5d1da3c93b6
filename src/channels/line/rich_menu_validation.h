#pragma once
// Checks a rich menu object the way LINE's POST /v2/bot/richmenu does, before anything is
// stored or sent, so an admin gets a 400 naming the field instead of a 502 from LINE later.
#include <string>
#include <vector>

#include "core/json.h"

namespace mg::line {

// LINE's documented image/menu limits (upload-rich-menu-image, rich-menu-object).
inline constexpr int kRichMenuMinWidth = 800;
inline constexpr int kRichMenuMaxWidth = 2500;
inline constexpr int kRichMenuMinHeight = 250;
// LINE gives no maximum height; width <= 2500 and the aspect rule put it below 1725. Checking a
// maximum before any arithmetic keeps every later sum far from overflow.
inline constexpr int kRichMenuMaxHeight = 2500;
inline constexpr double kRichMenuMinAspect = 1.45;
inline constexpr size_t kRichMenuMaxAreas = 20;
inline constexpr size_t kRichMenuChatBarUnits = 14;
inline constexpr size_t kRichMenuNameUnits = 300;
inline constexpr size_t kRichMenuImageMaxBytes = 1024 * 1024;

struct MenuProblem {
  std::string field;  // e.g. "menu.areas[2].action.label"
  std::string message;
};

// Problems in `menu`; field paths start with `prefix` ("menu" in the admin API).
std::vector<MenuProblem> validate_rich_menu(const Json& menu, const std::string& prefix = "menu");

// Problems with an uploaded image for a menu of width x height (type, byte size, dimensions).
std::vector<MenuProblem> validate_rich_menu_image(const std::string& bytes, int width, int height,
                                                  const std::string& field = "image_base64");

// Throws ApiError 400 with the first problem's field, and all of them as details.
void throw_if_invalid(const std::vector<MenuProblem>& problems);

}  // namespace mg::line
