#include "line_schema.h"

#include <regex>
#include <set>

#include "channels/line/text_units.h"

namespace mg::line::testing {

namespace {

struct Checker {
  std::vector<std::string> problems;
  void fail(const std::string& path, const std::string& why) {
    problems.push_back(path + ": " + why);
  }

  bool string_field(const Json& j, const std::string& key, const std::string& path, bool required,
                    size_t max_units, bool non_empty = true) {
    if (!j.contains(key)) {
      if (required) fail(path + "." + key, "required");
      return false;
    }
    if (!j[key].is_string()) {
      fail(path + "." + key, "must be a string");
      return false;
    }
    auto s = j[key].get<std::string>();
    if (non_empty && s.empty()) fail(path + "." + key, "must not be empty");
    if (utf16_length(s) > max_units)
      fail(path + "." + key, "longer than " + std::to_string(max_units));
    return true;
  }

  void enum_field(const Json& j, const std::string& key, const std::string& path,
                  const std::set<std::string>& allowed, bool required = false) {
    if (!j.contains(key)) {
      if (required) fail(path + "." + key, "required");
      return;
    }
    if (!j[key].is_string() || !allowed.count(j[key].get<std::string>()))
      fail(path + "." + key, "not one of the allowed values");
  }

  // where: "quickReply" | "flex" (camera, cameraRoll and location only in quick replies).
  void action(const Json& a, const std::string& path, const std::string& where) {
    if (!a.is_object()) return fail(path, "action must be an object");
    enum_field(a, "type", path,
               {"postback", "message", "uri", "datetimepicker", "camera", "cameraRoll", "location",
                "richmenuswitch", "clipboard"},
               true);
    std::string type = a.value("type", "");
    // Labels are required on quick reply items and buttons; ≤ 20.
    string_field(a, "label", path, true, 20);
    if (where != "quickReply" && (type == "camera" || type == "cameraRoll" || type == "location"))
      fail(path, type + " is only allowed in quick replies");
    if (type == "richmenuswitch") fail(path, "richmenuswitch is only allowed in rich menus");
    if (type == "postback") {
      string_field(a, "data", path, true, 300);
      string_field(a, "displayText", path, false, 300);
      if (a.contains("displayText") && a.contains("text"))
        fail(path, "displayText and text together");
    } else if (type == "message") {
      string_field(a, "text", path, true, 300);
    } else if (type == "datetimepicker") {
      string_field(a, "data", path, true, 300);
      enum_field(a, "mode", path, {"date", "time", "datetime"}, true);
      static const std::regex date(R"(\d{4}-\d{2}-\d{2})");
      for (const char* k : {"initial", "min", "max"})
        if (a.contains(k) &&
            (!a[k].is_string() || !std::regex_match(a[k].get<std::string>(), date)))
          fail(path + "." + k, "must be YYYY-MM-DD for mode date");
      if (a.contains("min") && a.contains("max") &&
          a["min"].get<std::string>() > a["max"].get<std::string>())
        fail(path, "min after max");
    }
  }

  void quick_reply(const Json& q, const std::string& path) {
    if (!q.contains("items") || !q["items"].is_array())
      return fail(path + ".items", "required array");
    const auto& items = q["items"];
    if (items.empty() || items.size() > 13) fail(path + ".items", "must have 1..13 items");
    for (size_t i = 0; i < items.size(); ++i) {
      std::string p = path + ".items[" + std::to_string(i) + "]";
      if (items[i].value("type", "") != "action") fail(p + ".type", "must be \"action\"");
      if (!items[i].contains("action"))
        fail(p + ".action", "required");
      else
        action(items[i]["action"], p + ".action", "quickReply");
    }
  }

  void flex_component(const Json& c, const std::string& path) {
    enum_field(c, "type", path,
               {"box", "button", "image", "video", "icon", "text", "span", "separator", "filler"},
               true);
    std::string type = c.value("type", "");
    if (type == "box") flex_box(c, path);
    if (type == "text") {
      string_field(c, "text", path, true, 2000);
      enum_field(c, "weight", path, {"regular", "bold"});
      enum_field(c, "align", path, {"start", "end", "center"});
    }
    if (type == "button") {
      if (!c.contains("action"))
        fail(path + ".action", "required");
      else
        action(c["action"], path + ".action", "flex");
      enum_field(c, "style", path, {"primary", "secondary", "link"});
      enum_field(c, "height", path, {"md", "sm"});
    }
    if (c.contains("flex") && !c["flex"].is_number_integer())
      fail(path + ".flex", "must be an integer");
  }

  void flex_box(const Json& b, const std::string& path) {
    enum_field(b, "layout", path, {"horizontal", "vertical", "baseline"}, true);
    if (!b.contains("contents") || !b["contents"].is_array())
      return fail(path + ".contents", "required array");
    for (size_t i = 0; i < b["contents"].size(); ++i)
      flex_component(b["contents"][i], path + ".contents[" + std::to_string(i) + "]");
  }

  void bubble(const Json& b, const std::string& path) {
    for (const char* part : {"header", "body", "footer"})
      if (b.contains(part)) {
        if (b[part].value("type", "") != "box") fail(path + "." + part, "must be a box");
        flex_box(b[part], path + "." + part);
      }
    if (b.dump().size() > 30 * 1024) fail(path, "bubble larger than 30 KB");
  }

  void message(const Json& m) {
    if (!m.is_object()) return fail("message", "must be an object");
    enum_field(m, "type", "message",
               {"text", "textV2", "sticker", "image", "video", "audio", "location", "imagemap",
                "template", "flex", "coupon"},
               true);
    std::string type = m.value("type", "");
    if (type == "text") {
      string_field(m, "text", "message", true, 5000);
    } else if (type == "flex") {
      string_field(m, "altText", "message", true, 1500);
      if (!m.contains("contents") || !m["contents"].is_object())
        fail("message.contents", "required");
      else if (m["contents"].value("type", "") == "bubble")
        bubble(m["contents"], "message.contents");
      else if (m["contents"].value("type", "") == "carousel") {
        const auto& cs = m["contents"]["contents"];
        if (!cs.is_array() || cs.empty() || cs.size() > 12)
          fail("message.contents.contents", "1..12 bubbles");
        else
          for (const auto& b : cs) bubble(b, "message.contents.contents[]");
      } else {
        fail("message.contents.type", "must be bubble or carousel");
      }
    } else {
      fail("message.type", "the channel does not produce " + type);
    }
    if (m.contains("quickReply")) quick_reply(m["quickReply"], "message.quickReply");
  }
};

}  // namespace

std::vector<std::string> validate_message(const Json& message) {
  Checker c;
  c.message(message);
  return c.problems;
}

}  // namespace mg::line::testing
