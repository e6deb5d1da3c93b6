#include "channels/line/rich_menu_validation.h"

#include <optional>

#include "channels/line/line_limits.h"
#include "channels/line/rich_menu_image.h"
#include "channels/line/text_units.h"
#include "core/errors.h"

namespace mg::line {

namespace {

class Checker {
 public:
  explicit Checker(std::vector<MenuProblem>& out) : out_(out) {}

  void add(const std::string& field, std::string message) {
    out_.push_back({field, std::move(message)});
  }

  // A string property; nullptr when absent (and reported if required) or not a string.
  const std::string* text(const Json& obj, const char* key, const std::string& path, bool required,
                          size_t max_units) {
    std::string f = path + "." + key;
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) add(f, "必須です");
      return nullptr;
    }
    if (!it->is_string()) {
      add(f, "文字列で指定してください");
      return nullptr;
    }
    const auto& s = it->get_ref<const std::string&>();
    if (required && s.empty()) add(f, "空にできません");
    if (utf16_length(s) > max_units) add(f, std::to_string(max_units) + " 文字以内にしてください");
    return &s;
  }

  // An integer in [lo, hi]. Floats, strings and numbers out of range are refused before any
  // arithmetic, so sums of validated values cannot overflow (an INT64_MAX bound once wrapped
  // around the "inside the menu" check and sent image generation into an endless loop).
  std::optional<int> integer(const Json& obj, const char* key, const std::string& path, int lo,
                             int hi) {
    auto it = obj.find(key);
    std::string f = path + "." + key;
    if (it == obj.end() || !it->is_number_integer()) {
      add(f, "整数で指定してください");
      return std::nullopt;
    }
    bool in_range = it->is_number_unsigned() ? it->get<uint64_t>() <= static_cast<uint64_t>(hi) &&
                                                   static_cast<int64_t>(it->get<uint64_t>()) >= lo
                                             : it->get<int64_t>() >= lo && it->get<int64_t>() <= hi;
    if (!in_range) {
      add(f, std::to_string(lo) + "〜" + std::to_string(hi) + " の整数にしてください");
      return std::nullopt;
    }
    return static_cast<int>(it->get<int64_t>());
  }

  void action(const Json& a, const std::string& path) {
    if (!a.is_object()) {
      add(path, "アクションを指定してください");
      return;
    }
    const std::string* type = text(a, "type", path, true, 32);
    // Labels are optional in rich menus but LINE still caps them (they are read aloud).
    text(a, "label", path, false, kMaxActionLabelUnits);
    if (!type) return;
    const std::string& t = *type;
    if (t == "postback") {
      text(a, "data", path, true, kMaxPostbackDataUnits);
      text(a, "displayText", path, false, kMaxDisplayTextUnits);
      text(a, "text", path, false, 300);
      if (a.contains("displayText") && a.contains("text"))
        add(path + ".text", "displayText と同時には指定できません");
    } else if (t == "message") {
      text(a, "text", path, true, 300);
    } else if (t == "uri") {
      if (const std::string* u = text(a, "uri", path, true, 1000)) {
        bool ok = false;
        for (const char* scheme : {"http://", "https://", "line://", "tel:", "mailto:"})
          ok = ok || u->rfind(scheme, 0) == 0;
        if (!ok) add(path + ".uri", "http(s)・line・tel・mailto の URI にしてください");
      }
    } else if (t == "datetimepicker") {
      text(a, "data", path, true, kMaxPostbackDataUnits);
      if (const std::string* m = text(a, "mode", path, true, 16))
        if (*m != "date" && *m != "time" && *m != "datetime")
          add(path + ".mode", "date・time・datetime のいずれかにしてください");
    } else if (t == "richmenuswitch") {
      text(a, "richMenuAliasId", path, true, 32);
      text(a, "data", path, true, kMaxPostbackDataUnits);
    } else if (t == "clipboard") {
      text(a, "clipboardText", path, true, 1000);
    } else if (t == "camera" || t == "cameraRoll" || t == "location") {
      add(path + ".type", "クイックリプライ専用のアクションです");
    } else {
      add(path + ".type", "未対応のアクションです");
    }
  }

 private:
  std::vector<MenuProblem>& out_;
};

}  // namespace

std::vector<MenuProblem> validate_rich_menu(const Json& menu, const std::string& prefix) {
  std::vector<MenuProblem> out;
  Checker c(out);
  if (!menu.is_object()) {
    c.add(prefix, "リッチメニューのオブジェクトを指定してください");
    return out;
  }
  int width = 0, height = 0;  // 0: not known (reported), area bounds are then not compared
  auto size = menu.find("size");
  if (size == menu.end() || !size->is_object()) {
    c.add(prefix + ".size", "必須です");
  } else {
    std::string sp = prefix + ".size";
    width = c.integer(*size, "width", sp, kRichMenuMinWidth, kRichMenuMaxWidth).value_or(0);
    height = c.integer(*size, "height", sp, kRichMenuMinHeight, kRichMenuMaxHeight).value_or(0);
    if (width && height &&
        static_cast<double>(width) / static_cast<double>(height) < kRichMenuMinAspect)
      c.add(sp, "幅÷高さを 1.45 以上にしてください（例: 2500x1686, 2500x843）");
  }
  auto selected = menu.find("selected");
  if (selected == menu.end() || !selected->is_boolean())
    c.add(prefix + ".selected", "true か false を指定してください");
  c.text(menu, "name", prefix, true, kRichMenuNameUnits);
  c.text(menu, "chatBarText", prefix, true, kRichMenuChatBarUnits);

  auto areas = menu.find("areas");
  std::string ap = prefix + ".areas";
  if (areas == menu.end() || !areas->is_array()) {
    c.add(ap, "配列で指定してください");
    return out;
  }
  if (areas->empty() || areas->size() > kRichMenuMaxAreas) c.add(ap, "1〜20 個にしてください");
  for (size_t i = 0; i < areas->size() && i < kRichMenuMaxAreas; ++i) {
    std::string p = ap + "[" + std::to_string(i) + "]";
    const Json& a = (*areas)[i];
    if (!a.is_object()) {
      c.add(p, "オブジェクトで指定してください");
      continue;
    }
    auto bounds = a.find("bounds");
    if (bounds == a.end() || !bounds->is_object()) {
      c.add(p + ".bounds", "必須です");
    } else {
      std::string bp = p + ".bounds";
      // Each value is within 0..2500 here, so the sums below are exact.
      auto x = c.integer(*bounds, "x", bp, 0, kRichMenuMaxWidth);
      auto y = c.integer(*bounds, "y", bp, 0, kRichMenuMaxHeight);
      auto w = c.integer(*bounds, "width", bp, 1, kRichMenuMaxWidth);
      auto h = c.integer(*bounds, "height", bp, 1, kRichMenuMaxHeight);
      if (x && y && w && h && width && height && (*x + *w > width || *y + *h > height))
        c.add(bp, "メニューの範囲内にしてください");
    }
    if (!a.contains("action"))
      c.add(p + ".action", "必須です");
    else
      c.action(a["action"], p + ".action");
  }
  return out;
}

std::vector<MenuProblem> validate_rich_menu_image(const std::string& bytes, int width, int height,
                                                  const std::string& field) {
  std::vector<MenuProblem> out;
  if (image_content_type(bytes).empty()) {
    out.push_back({field, "PNG か JPEG の画像を指定してください"});
    return out;
  }
  if (bytes.size() > kRichMenuImageMaxBytes) out.push_back({field, "1MB 以下にしてください"});
  auto dims = image_size(bytes);
  if (!dims)
    out.push_back({field, "画像のサイズを読み取れません"});
  else if (dims->first != width || dims->second != height)
    out.push_back({field, "画像のサイズをメニューの size (" + std::to_string(width) + "x" +
                              std::to_string(height) + ") と同じにしてください"});
  return out;
}

void throw_if_invalid(const std::vector<MenuProblem>& problems) {
  if (problems.empty()) return;
  Json details = Json::array();
  for (const auto& p : problems) details.push_back({{"field", p.field}, {"message", p.message}});
  const auto& first = problems.front();
  throw ApiError::bad_request(first.field + ": " + first.message, first.field)
      .with_details(std::move(details));
}

}  // namespace mg::line
