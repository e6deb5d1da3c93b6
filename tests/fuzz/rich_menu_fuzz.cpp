// libFuzzer target: arbitrary bytes as a rich menu definition, through validate_rich_menu and,
// for a menu it accepts, the placeholder image generator (what PUT /api/line/rich-menus/{name}
// runs). Properties: validation never throws; an accepted menu has its size and areas within
// LINE's limits; image generation stays bounded and yields a PNG of the menu's size.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "channels/line/rich_menu_image.h"
#include "channels/line/rich_menu_validation.h"
#include "core/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mg::Json menu = mg::Json::parse(reinterpret_cast<const char*>(data),
                                  reinterpret_cast<const char*>(data) + size, nullptr, false);
  if (menu.is_discarded()) return 0;
  auto problems = mg::line::validate_rich_menu(menu);
  // The generator must stay bounded on anything stored, valid or not.
  const mg::Json areas = menu.is_object() && menu.contains("areas") ? menu["areas"] : mg::Json();
  if (!problems.empty()) {
    if (!areas.is_array() || areas.size() <= mg::line::kRichMenuMaxAreas)
      mg::line::generated_menu_png(800, 250, {}, {}, areas);
    return 0;
  }
  int w = menu["size"]["width"], h = menu["size"]["height"];
  if (w < mg::line::kRichMenuMinWidth || w > mg::line::kRichMenuMaxWidth ||
      h < mg::line::kRichMenuMinHeight || h > mg::line::kRichMenuMaxHeight)
    std::abort();
  for (const auto& a : menu["areas"]) {
    const auto& b = a["bounds"];
    if (b["x"].get<int64_t>() < 0 || b["y"].get<int64_t>() < 0 ||
        b["x"].get<int64_t>() + b["width"].get<int64_t>() > w ||
        b["y"].get<int64_t>() + b["height"].get<int64_t>() > h)
      std::abort();
  }
  auto png = mg::line::generated_menu_png(w, h, {}, {}, menu["areas"]);
  auto dims = mg::line::image_size(png);
  if (!dims || dims->first != w || dims->second != h) std::abort();
  return 0;
}
