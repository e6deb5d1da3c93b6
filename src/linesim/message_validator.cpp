#include "linesim/message_validator.h"

#include <set>

#include "linesim/text_length.h"

namespace mg::linesim {

namespace {

std::string range_msg(const char* what, std::size_t lo, std::size_t hi) {
  return std::string(what) + " must be between " + std::to_string(lo) + " and " +
         std::to_string(hi);
}

// Required string property with a length limit; returns the value when present.
const Json* string_prop(const Json& obj, const char* key, const std::string& path, Problems& p,
                        bool required, std::size_t max_len, bool allow_empty = false) {
  std::string prop = path + "." + key;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) p.add(prop, "must be specified");
    return nullptr;
  }
  if (!it->is_string()) {
    p.invalid_property(prop);
    return nullptr;
  }
  const auto& s = it->get_ref<const std::string&>();
  if (s.empty() && required && !allow_empty) {
    p.add(prop, "May not be empty");
  } else if (utf16_length(s) > max_len) {
    p.add(prop, range_msg("Length", allow_empty || !required ? 0 : 1, max_len));
  }
  return &*it;
}

bool is_https_url(const std::string& s) { return s.rfind("https://", 0) == 0 && s.size() > 8; }

void url_prop(const Json& obj, const char* key, const std::string& path, Problems& p,
              bool required) {
  const Json* v = string_prop(obj, key, path, p, required, limits::kUrlLength);
  if (v && !v->get_ref<const std::string&>().empty() && !is_https_url(v->get<std::string>()))
    p.add(path + "." + key, "must be a valid HTTPS URL");
}

const Json* array_prop(const Json& obj, const char* key, const std::string& path, Problems& p,
                       std::size_t lo, std::size_t hi, bool required = true) {
  std::string prop = path + "." + key;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) p.add(prop, "must be specified");
    return nullptr;
  }
  if (!it->is_array()) {
    p.invalid_property(prop);
    return nullptr;
  }
  if (it->size() < lo || it->size() > hi) p.add(prop, range_msg("Size", lo, hi));
  return &*it;
}

bool require_object(const Json& v, const std::string& path, Problems& p) {
  if (v.is_null()) {
    p.add(path, "must be specified");
    return false;
  }
  if (!v.is_object()) {
    p.invalid_property(path);
    return false;
  }
  return true;
}

void number_prop(const Json& obj, const char* key, const std::string& path, Problems& p) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null())
    p.add(path + "." + key, "must be specified");
  else if (!it->is_number())
    p.invalid_property(path + "." + key);
}

std::string idx(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

void validate_actions(const Json& arr, const std::string& path, ActionSite site, Problems& p) {
  for (std::size_t i = 0; i < arr.size(); ++i) validate_action(arr[i], idx(path, i), site, p);
}

// --- templates ---------------------------------------------------------------------------

void validate_template(const Json& t, const std::string& path, Problems& p) {
  if (!require_object(t, path, p)) return;
  const Json* type = string_prop(t, "type", path, p, true, 32);
  if (!type) return;
  const auto& ty = type->get_ref<const std::string&>();
  if (ty == "buttons") {
    bool has_header = t.contains("thumbnailImageUrl") || t.contains("title");
    string_prop(t, "text", path, p, true, has_header ? 60 : 160);
    string_prop(t, "title", path, p, false, 40);
    if (t.contains("thumbnailImageUrl")) url_prop(t, "thumbnailImageUrl", path, p, false);
    if (auto* a = array_prop(t, "actions", path, p, 1, 4))
      validate_actions(*a, path + ".actions", ActionSite::template_action, p);
    if (t.contains("defaultAction"))
      validate_action(t["defaultAction"], path + ".defaultAction", ActionSite::default_action, p);
  } else if (ty == "confirm") {
    string_prop(t, "text", path, p, true, 240);
    if (auto* a = array_prop(t, "actions", path, p, 2, 2))
      validate_actions(*a, path + ".actions", ActionSite::template_action, p);
  } else if (ty == "carousel") {
    auto* cols = array_prop(t, "columns", path, p, 1, limits::kTemplateColumns);
    if (!cols) return;
    std::size_t action_count = 0;
    for (std::size_t i = 0; i < cols->size(); ++i) {
      const Json& c = (*cols)[i];
      std::string cp = idx(path + ".columns", i);
      if (!require_object(c, cp, p)) continue;
      bool has_header = c.contains("thumbnailImageUrl") || c.contains("title");
      string_prop(c, "text", cp, p, true, has_header ? 60 : 120);
      string_prop(c, "title", cp, p, false, 40);
      if (c.contains("thumbnailImageUrl")) url_prop(c, "thumbnailImageUrl", cp, p, false);
      if (auto* a = array_prop(c, "actions", cp, p, 1, 3)) {
        validate_actions(*a, cp + ".actions", ActionSite::template_action, p);
        // LINE requires every column to carry the same number of actions.
        if (i == 0)
          action_count = a->size();
        else if (a->size() != action_count)
          p.add(cp + ".actions", "must have the same number of actions in all columns");
      }
    }
  } else if (ty == "image_carousel") {
    auto* cols = array_prop(t, "columns", path, p, 1, limits::kTemplateColumns);
    if (!cols) return;
    for (std::size_t i = 0; i < cols->size(); ++i) {
      const Json& c = (*cols)[i];
      std::string cp = idx(path + ".columns", i);
      if (!require_object(c, cp, p)) continue;
      url_prop(c, "imageUrl", cp, p, true);
      if (!c.contains("action"))
        p.add(cp + ".action", "must be specified");
      else
        validate_action(c["action"], cp + ".action", ActionSite::default_action, p);
    }
  } else {
    p.add(path + ".type", "Invalid template type");
  }
}

// --- flex ----------------------------------------------------------------------------------

const std::set<std::string>& flex_component_types() {
  static const std::set<std::string> k{"box",  "button", "image",     "video", "icon",
                                       "text", "span",   "separator", "filler"};
  return k;
}

void validate_flex_component(const Json& c, const std::string& path, Problems& p, int depth);

void validate_flex_box(const Json& b, const std::string& path, Problems& p, int depth) {
  const Json* layout = string_prop(b, "layout", path, p, true, 16);
  if (layout) {
    const auto& l = layout->get_ref<const std::string&>();
    if (l != "horizontal" && l != "vertical" && l != "baseline")
      p.add(path + ".layout", "must be one of horizontal, vertical, baseline");
  }
  if (auto* contents = array_prop(b, "contents", path, p, 0, 1000))
    for (std::size_t i = 0; i < contents->size(); ++i)
      validate_flex_component((*contents)[i], idx(path + ".contents", i), p, depth + 1);
  if (b.contains("action")) validate_action(b["action"], path + ".action", ActionSite::flex, p);
}

void validate_flex_component(const Json& c, const std::string& path, Problems& p, int depth) {
  if (!require_object(c, path, p)) return;
  if (depth > 20) {
    p.add(path, "nesting too deep");
    return;
  }
  const Json* type = string_prop(c, "type", path, p, true, 16);
  if (!type) return;
  const auto& t = type->get_ref<const std::string&>();
  if (!flex_component_types().count(t)) {
    p.add(path + ".type", "Invalid component type");
    return;
  }
  if (t == "box") {
    validate_flex_box(c, path, p, depth);
  } else if (t == "text") {
    // A text needs either "text" or span "contents".
    if (!c.contains("contents")) string_prop(c, "text", path, p, true, 20000);
    if (c.contains("action")) validate_action(c["action"], path + ".action", ActionSite::flex, p);
  } else if (t == "span") {
    string_prop(c, "text", path, p, true, 20000);
  } else if (t == "button") {
    if (!c.contains("action"))
      p.add(path + ".action", "must be specified");
    else
      validate_action(c["action"], path + ".action", ActionSite::template_action, p);
  } else if (t == "image" || t == "icon") {
    url_prop(c, "url", path, p, true);
  } else if (t == "video") {
    url_prop(c, "url", path, p, true);
    url_prop(c, "previewUrl", path, p, true);
  }
}

void validate_flex_bubble(const Json& b, const std::string& path, Problems& p) {
  if (!require_object(b, path, p)) return;
  for (const char* block : {"header", "body", "footer"}) {
    if (!b.contains(block)) continue;
    const Json& box = b[block];
    std::string bp = path + "." + block;
    if (!require_object(box, bp, p)) continue;
    if (box.value("type", "") != "box")
      p.add(bp + ".type", "must be box");
    else
      validate_flex_box(box, bp, p, 1);
  }
  if (b.contains("hero")) validate_flex_component(b["hero"], path + ".hero", p, 1);
  if (b.contains("action")) validate_action(b["action"], path + ".action", ActionSite::flex, p);
}

void validate_flex_container(const Json& c, const std::string& path, Problems& p) {
  if (!require_object(c, path, p)) return;
  const Json* type = string_prop(c, "type", path, p, true, 16);
  if (!type) return;
  const auto& t = type->get_ref<const std::string&>();
  if (t == "bubble") {
    validate_flex_bubble(c, path, p);
  } else if (t == "carousel") {
    if (auto* arr = array_prop(c, "contents", path, p, 1, limits::kFlexCarouselBubbles))
      for (std::size_t i = 0; i < arr->size(); ++i) {
        std::string bp = idx(path + ".contents", i);
        if ((*arr)[i].is_object() && (*arr)[i].value("type", "") != "bubble")
          p.add(bp + ".type", "must be bubble");
        validate_flex_bubble((*arr)[i], bp, p);
      }
  } else {
    p.add(path + ".type", "Invalid container type");
  }
}

// --- common message parts ------------------------------------------------------------------

void validate_quick_reply(const Json& q, const std::string& path, Problems& p) {
  if (!require_object(q, path, p)) return;
  auto* items = array_prop(q, "items", path, p, 1, limits::kQuickReplyItems);
  if (!items) return;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const Json& item = (*items)[i];
    std::string ip = idx(path + ".items", i);
    if (!require_object(item, ip, p)) continue;
    if (item.contains("type") && item["type"] != "action") p.add(ip + ".type", "must be action");
    if (item.contains("imageUrl")) url_prop(item, "imageUrl", ip, p, false);
    if (!item.contains("action"))
      p.add(ip + ".action", "must be specified");
    else
      validate_action(item["action"], ip + ".action", ActionSite::quick_reply, p);
  }
}

void validate_sender(const Json& s, const std::string& path, Problems& p) {
  if (!require_object(s, path, p)) return;
  string_prop(s, "name", path, p, false, 20);
  if (s.contains("iconUrl")) url_prop(s, "iconUrl", path, p, false);
}

}  // namespace

void validate_action(const Json& a, const std::string& path, ActionSite site, Problems& p) {
  if (!require_object(a, path, p)) return;
  const Json* type = string_prop(a, "type", path, p, true, 32);
  if (!type) return;
  const auto& t = type->get_ref<const std::string&>();
  // Labels are shown on buttons and chips, so those places require them.
  bool label_required = site == ActionSite::quick_reply || site == ActionSite::template_action;
  if (site == ActionSite::quick_reply && t == "uri") label_required = true;
  string_prop(a, "label", path, p, label_required, limits::kActionLabel);

  if (t == "postback") {
    string_prop(a, "data", path, p, true, limits::kPostbackData, true);
    string_prop(a, "displayText", path, p, false, 300);
    string_prop(a, "text", path, p, false, 300);
    string_prop(a, "fillInText", path, p, false, 300);
    if (a.contains("displayText") && a.contains("text"))
      p.add(path + ".text", "cannot be specified together with displayText");
  } else if (t == "message") {
    string_prop(a, "text", path, p, true, 300);
  } else if (t == "uri") {
    const Json* uri = string_prop(a, "uri", path, p, true, limits::kUriActionLength);
    if (uri) {
      const auto& u = uri->get_ref<const std::string&>();
      if (!(u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0 ||
            u.rfind("line://", 0) == 0 || u.rfind("tel:", 0) == 0 || u.rfind("mailto:", 0) == 0))
        p.add(path + ".uri", "must be a valid URI (http, https, line, tel)");
    }
  } else if (t == "datetimepicker") {
    string_prop(a, "data", path, p, true, limits::kPostbackData, true);
    const Json* mode = string_prop(a, "mode", path, p, true, 16);
    if (mode) {
      const auto& m = mode->get_ref<const std::string&>();
      if (m != "date" && m != "time" && m != "datetime")
        p.add(path + ".mode", "must be one of date, time, datetime");
    }
  } else if (t == "camera" || t == "cameraRoll" || t == "location") {
    // Only allowed as quick reply buttons.
    if (site != ActionSite::quick_reply) p.add(path + ".type", "can only be used in quick reply");
  } else if (t == "richmenuswitch") {
    if (site != ActionSite::rich_menu) p.add(path + ".type", "can only be used in rich menu");
    string_prop(a, "richMenuAliasId", path, p, true, 32);
    string_prop(a, "data", path, p, true, limits::kPostbackData, true);
  } else if (t == "clipboard") {
    string_prop(a, "clipboardText", path, p, true, 1000);
  } else {
    p.add(path + ".type", "Invalid action type");
  }
}

void validate_message(const Json& m, const std::string& path, Problems& p) {
  if (!require_object(m, path, p)) return;
  const Json* type = string_prop(m, "type", path, p, true, 32);
  if (m.contains("quickReply")) validate_quick_reply(m["quickReply"], path + ".quickReply", p);
  if (m.contains("sender")) validate_sender(m["sender"], path + ".sender", p);
  if (!type) return;
  const auto& t = type->get_ref<const std::string&>();
  if (t == "text" || t == "textV2") {
    string_prop(m, "text", path, p, true, limits::kTextLength);
    if (m.contains("emojis")) array_prop(m, "emojis", path, p, 0, 20);
  } else if (t == "sticker") {
    string_prop(m, "packageId", path, p, true, 64);
    string_prop(m, "stickerId", path, p, true, 64);
  } else if (t == "image" || t == "video") {
    url_prop(m, "originalContentUrl", path, p, true);
    url_prop(m, "previewImageUrl", path, p, true);
  } else if (t == "audio") {
    url_prop(m, "originalContentUrl", path, p, true);
    number_prop(m, "duration", path, p);
  } else if (t == "location") {
    string_prop(m, "title", path, p, true, 100);
    string_prop(m, "address", path, p, true, 100);
    number_prop(m, "latitude", path, p);
    number_prop(m, "longitude", path, p);
  } else if (t == "imagemap") {
    url_prop(m, "baseUrl", path, p, true);
    string_prop(m, "altText", path, p, true, limits::kAltText);
    if (!m.contains("baseSize")) p.add(path + ".baseSize", "must be specified");
    array_prop(m, "actions", path, p, 0, 50);
  } else if (t == "template") {
    string_prop(m, "altText", path, p, true, limits::kAltText);
    if (!m.contains("template"))
      p.add(path + ".template", "must be specified");
    else
      validate_template(m["template"], path + ".template", p);
  } else if (t == "flex") {
    string_prop(m, "altText", path, p, true, limits::kAltText);
    if (!m.contains("contents"))
      p.add(path + ".contents", "must be specified");
    else
      validate_flex_container(m["contents"], path + ".contents", p);
  } else if (t == "coupon") {
    string_prop(m, "couponId", path, p, true, 64);
  } else {
    p.add(path + ".type", "Invalid message type");
  }
}

void validate_messages(const Json& body, Problems& p) {
  auto it = body.find("messages");
  if (it == body.end() || it->is_null()) {
    p.add("messages", "must be specified");
    return;
  }
  if (!it->is_array()) {
    p.invalid_property("messages");
    return;
  }
  if (it->empty() || it->size() > limits::kMessagesPerRequest) {
    p.add("messages", range_msg("Size", 1, limits::kMessagesPerRequest));
    return;  // LINE does not look inside an oversized list.
  }
  for (std::size_t i = 0; i < it->size(); ++i) validate_message((*it)[i], idx("messages", i), p);
}

}  // namespace mg::linesim
