#include "linesim/rich_menus.h"

#include <cstdint>

#include "linesim/ids.h"
#include "linesim/message_validator.h"
#include "linesim/text_length.h"

namespace mg::linesim {

Json RichMenu::to_json() const {
  Json j = definition;
  j["richMenuId"] = id;
  return j;
}

namespace {

std::optional<int64_t> int_prop(const Json& obj, const char* key, const std::string& path,
                                Problems& p) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    p.add(path + "." + key, "must be specified");
    return std::nullopt;
  }
  if (!it->is_number_integer()) {
    p.invalid_property(path + "." + key);
    return std::nullopt;
  }
  return it->get<int64_t>();
}

void text_prop(const Json& body, const char* key, std::size_t max, Problems& p) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    p.add(key, "must be specified");
  } else if (!it->is_string()) {
    p.invalid_property(key);
  } else if (utf16_length(it->get_ref<const std::string&>()) > max) {
    p.add(key, "Length must be between 0 and " + std::to_string(max));
  }
}

}  // namespace

void validate_rich_menu(const Json& body, Problems& p) {
  int64_t width = 0, height = 0;
  auto size = body.find("size");
  if (size == body.end() || !size->is_object()) {
    p.add("size", "must be specified");
  } else {
    width = int_prop(*size, "width", "size", p).value_or(0);
    height = int_prop(*size, "height", "size", p).value_or(0);
    if (width && (width < 800 || width > 2500)) p.add("size.width", "must be between 800 and 2500");
    if (height && height < 250) p.add("size.height", "must be at least 250");
    if (width && height && static_cast<double>(width) / static_cast<double>(height) < 1.45)
      p.add("size", "width/height ratio must be at least 1.45");
  }
  auto selected = body.find("selected");
  if (selected == body.end() || selected->is_null())
    p.add("selected", "must be specified");
  else if (!selected->is_boolean())
    p.invalid_property("selected");
  text_prop(body, "name", 300, p);
  text_prop(body, "chatBarText", 14, p);

  auto areas = body.find("areas");
  if (areas == body.end() || areas->is_null()) {
    p.add("areas", "must be specified");
    return;
  }
  if (!areas->is_array()) {
    p.invalid_property("areas");
    return;
  }
  if (areas->size() > 20) p.add("areas", "Size must be between 0 and 20");
  for (std::size_t i = 0; i < areas->size(); ++i) {
    std::string ap = "areas[" + std::to_string(i) + "]";
    const Json& a = (*areas)[i];
    if (!a.is_object()) {
      p.invalid_property(ap);
      continue;
    }
    auto bounds = a.find("bounds");
    if (bounds == a.end() || !bounds->is_object()) {
      p.add(ap + ".bounds", "must be specified");
    } else {
      std::string bp = ap + ".bounds";
      auto x = int_prop(*bounds, "x", bp, p), y = int_prop(*bounds, "y", bp, p);
      auto w = int_prop(*bounds, "width", bp, p), h = int_prop(*bounds, "height", bp, p);
      if (x && y && w && h && width && height &&
          (*x < 0 || *y < 0 || *w < 1 || *h < 1 || *x + *w > width || *y + *h > height))
        p.add(bp, "must be within the rich menu size");
    }
    if (!a.contains("action"))
      p.add(ap + ".action", "must be specified");
    else
      validate_action(a["action"], ap + ".action", ActionSite::rich_menu, p);
  }
}

std::optional<std::pair<int, int>> image_dimensions(const std::string& b) {
  auto u8 = [&](std::size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(b[i])); };
  auto be16 = [&](std::size_t i) { return static_cast<int>((u8(i) << 8) | u8(i + 1)); };
  auto be32 = [&](std::size_t i) {
    return static_cast<int>((u8(i) << 24) | (u8(i + 1) << 16) | (u8(i + 2) << 8) | u8(i + 3));
  };
  // PNG: signature, then the IHDR chunk holds width and height.
  if (b.size() >= 24 && b.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0 && b.compare(12, 4, "IHDR") == 0)
    return std::make_pair(be32(16), be32(20));
  // JPEG: walk the segments to the first start-of-frame marker.
  if (b.size() >= 4 && u8(0) == 0xFF && u8(1) == 0xD8) {
    std::size_t i = 2;
    while (i + 9 < b.size()) {
      if (u8(i) != 0xFF) return std::nullopt;
      unsigned marker = u8(i + 1);
      if (marker == 0xFF) {
        ++i;
        continue;
      }
      bool sof =
          marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof) return std::make_pair(be16(i + 7), be16(i + 5));
      i += 2 + static_cast<std::size_t>(be16(i + 2));
    }
  }
  return std::nullopt;
}

RichMenu& RichMenuBook::create(Json definition) {
  auto id = ids::rich_menu_id();
  auto& m = menus_[id];
  m.id = id;
  m.definition = std::move(definition);
  return m;
}

RichMenu* RichMenuBook::find(const std::string& id) {
  auto it = menus_.find(id);
  return it == menus_.end() ? nullptr : &it->second;
}

void RichMenuBook::restore(RichMenu menu) {
  auto id = menu.id;
  menus_[id] = std::move(menu);
}

bool RichMenuBook::remove(const std::string& id) {
  if (!menus_.erase(id)) return false;
  if (default_id == id) default_id.clear();
  std::erase_if(aliases, [&](const auto& kv) { return kv.second == id; });
  return true;
}

void RichMenuBook::clear() {
  menus_.clear();
  aliases.clear();
  default_id.clear();
}

}  // namespace mg::linesim
