#include "channels/line/renderer.h"

#include <algorithm>
#include <map>

#include "channels/line/line_limits.h"
#include "channels/line/postback_data.h"
#include "channels/line/text_units.h"
#include "conversation/fees.h"
#include "conversation/question.h"

namespace mg::line {

namespace {

std::string str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A button's wording with its price, within LINE's 20-unit label: the label is cut, never the
// price ("ストーブ（灯油…（400円）"); a label that already names the amount is left as it is.
std::string priced(const std::string& label, const Json& choice, size_t max_units) {
  auto fee = choice.find("fee");
  if (fee == choice.end() || !fee->is_number_integer() || fee->get<int64_t>() <= 0 ||
      conversation::mentions_fee(label, fee->get<int64_t>()))
    return truncate_utf16(label, max_units);
  std::string suffix = "（" + conversation::yen(fee->get<int64_t>()) + "）";
  size_t room = max_units > utf16_length(suffix) ? max_units - utf16_length(suffix) : 0;
  if (room < 2) return truncate_utf16(label, max_units);  // no room for a word: the label wins
  return truncate_utf16(label, room) + suffix;
}

Json quick_item(Json action) { return Json{{"type", "action"}, {"action", std::move(action)}}; }

// A choice the resident taps. Values too long for postback data fall back to a message
// action that types the label, which the engine also accepts for choices.
Json choice_action(const Json& choice, const std::string& multi_step = {}) {
  std::string label = str(choice, "label");
  std::string data = encode_postback({Postback::Kind::choice, str(choice, "value"), multi_step});
  if (utf16_length(data) > kMaxPostbackDataUnits)
    return Json{{"type", "message"},
                {"label", priced(label, choice, kMaxActionLabelUnits)},
                {"text", truncate_utf16(label, kMaxTextUnits)}};
  // The price is on the button; what the resident is shown saying stays the plain label.
  Json a = postback_action(label, data);
  a["label"] = priced(label, choice, kMaxActionLabelUnits);
  return a;
}

Json date_actions(const Json& q) {
  Json a{{"type", "datetimepicker"},
         {"label", "日付を選ぶ"},
         {"data", encode_postback({Postback::Kind::date, str(q, "step_id")})},
         {"mode", "date"}};
  if (!str(q, "min_date").empty()) a["min"] = str(q, "min_date");
  if (!str(q, "max_date").empty()) a["max"] = str(q, "max_date");
  return Json::array({quick_item(a)});
}

Json location_actions(const Json&) {
  return Json::array({quick_item({{"type", "location"}, {"label", "位置情報を送る"}})});
}

Json photo_actions(const Json&) {
  return Json::array({quick_item({{"type", "camera"}, {"label", "カメラで撮る"}}),
                      quick_item({{"type", "cameraRoll"}, {"label", "写真を選ぶ"}})});
}

// Prompt "input" -> its own quick replies; one line per step kind that needs some.
std::map<std::string, QuestionActions>& question_actions() {
  static std::map<std::string, QuestionActions> actions{
      {"date", date_actions},
      {"location", location_actions},
      {"photo", photo_actions},
  };
  return actions;
}

Json question_quick_replies(const Json& q) {
  Json items = Json::array();
  std::string input = str(q, "input");
  std::string step = str(q, "step_id");
  if (auto it = question_actions().find(input); it != question_actions().end())
    for (auto& item : it->second(q)) items.push_back(std::move(item));
  // Multi-choice items already ticked (e.g. the current answer when editing) carry a ✓.
  std::vector<std::string> ticked;
  if (auto sel = q.find("selected"); sel != q.end() && sel->is_array())
    for (const auto& c : *sel) ticked.push_back(str(c, "value"));
  // Taps on a multi-choice carry its step, so the answer to a tap can stay short.
  std::string multi_step = input == "multi_choice" ? step : std::string();
  if (auto cs = q.find("choices"); cs != q.end() && cs->is_array()) {
    for (const auto& c : *cs) {
      Json a = choice_action(c, multi_step);
      if (std::find(ticked.begin(), ticked.end(), str(c, "value")) != ticked.end())
        a["label"] = priced("✓" + str(c, "label"), c, kMaxActionLabelUnits);
      items.push_back(quick_item(std::move(a)));
    }
  }
  // A way back for questions answered by typing, when there is room.
  if (items.size() < kMaxQuickReplyItems && input != "confirm")
    items.push_back(
        quick_item(postback_action("戻る", encode_postback({Postback::Kind::command, "back"}))));
  if (items.size() > kMaxQuickReplyItems)
    items.erase(items.begin() + kMaxQuickReplyItems, items.end());
  return items;
}

Json flex_text(const std::string& text, Json extra = Json::object()) {
  Json t{{"type", "text"},
         {"text", text.empty() ? "（未回答）" : truncate_utf16(text, 500)},
         {"wrap", true}};
  for (auto& [k, v] : extra.items()) t[k] = v;
  return t;
}

// Summary as a flex bubble: one row per answer with its own 修正 button, and the confirm
// question's choices (この内容で申請する…) as footer buttons.
Json summary_message(const Json& s, const Json* confirm) {
  Json body = Json::array();
  body.push_back(flex_text(str(s, "text"), {{"weight", "bold"}}));
  std::string alt = str(s, "text");
  size_t n = 0;
  for (const auto& item : s.value("items", Json::array())) {
    if (++n > 40) break;  // keeps the bubble well under LINE's size limit
    std::string label = str(item, "label"), display = str(item, "display");
    alt += "\n" + label + "：" + display;
    Json row{{"type", "box"},
             {"layout", "vertical"},
             {"flex", 4},
             {"contents", Json::array({flex_text(label, {{"size", "xs"}, {"color", "#666666"}}),
                                       flex_text(display, {{"size", "sm"}})})}};
    Json line{{"type", "box"}, {"layout", "horizontal"}, {"contents", Json::array({row})}};
    if (item.value("editable", true)) {
      Json a =
          postback_action("修正", encode_postback({Postback::Kind::edit, str(item, "step_id")}));
      a["displayText"] = truncate_utf16("「" + label + "」を修正", kMaxDisplayTextUnits);
      line["contents"].push_back(
          {{"type", "button"}, {"style", "link"}, {"height", "sm"}, {"flex", 2}, {"action", a}});
    }
    body.push_back(line);
  }
  Json bubble{
      {"type", "bubble"},
      {"body", {{"type", "box"}, {"layout", "vertical"}, {"spacing", "md"}, {"contents", body}}}};
  if (confirm) {
    Json buttons = Json::array();
    bool first = true;
    for (const auto& c : confirm->value("choices", Json::array())) {
      buttons.push_back({{"type", "button"},
                         {"style", first ? "primary" : "secondary"},
                         {"height", "sm"},
                         {"action", choice_action(c)}});
      first = false;
    }
    if (!buttons.empty())
      bubble["footer"] = {
          {"type", "box"}, {"layout", "vertical"}, {"spacing", "sm"}, {"contents", buttons}};
  }
  return Json{
      {"type", "flex"}, {"altText", truncate_utf16(alt, kMaxAltTextUnits)}, {"contents", bubble}};
}

// The label a resident knows a choice by: its full wording when the button cuts it.
std::string choice_label(const Json& q, const std::string& value) {
  for (const char* list : {"selected", "choices"})
    if (auto cs = q.find(list); cs != q.end() && cs->is_array())
      for (const auto& c : *cs)
        if (str(c, "value") == value)
          return str(c, "full_label").empty() ? str(c, "label") : str(c, "full_label");
  return value;
}

bool is_selected(const Json& q, const std::string& value) {
  if (auto sel = q.find("selected"); sel != q.end() && sel->is_array())
    for (const auto& c : *sel)
      if (str(c, "value") == value) return true;
  return false;
}

void append(Json& out, const Json& messages) {
  for (const auto& m : messages) out.push_back(m);
}

}  // namespace

void register_question_actions(const std::string& input, QuestionActions actions) {
  question_actions()[input] = std::move(actions);
}

Json quick_reply_item(Json action) { return quick_item(std::move(action)); }

Json postback_action(const std::string& label, const std::string& data) {
  return Json{{"type", "postback"},
              {"label", truncate_utf16(label, kMaxActionLabelUnits)},
              {"data", data},
              {"displayText", truncate_utf16(label, kMaxDisplayTextUnits)}};
}

Json text_messages(const std::string& text) {
  Json out = Json::array();
  std::string rest = text.empty() ? " " : text;
  while (utf16_length(rest) > kMaxTextUnits) {
    std::string part = prefix_utf16(rest, kMaxTextUnits);
    // Prefer cutting after a newline in the second half, so paragraphs stay whole.
    auto nl = part.rfind('\n');
    if (nl != std::string::npos && nl > part.size() / 2) part = part.substr(0, nl + 1);
    out.push_back({{"type", "text"}, {"text", part}});
    rest = rest.substr(part.size());
  }
  out.push_back({{"type", "text"}, {"text", rest}});
  return out;
}

std::optional<Json> render_multi_choice_tap(const Json& prompts, const std::string& step_id,
                                            const std::string& tapped) {
  // Anything else in the turn (an error, a message, another step) needs the full rendering.
  if (step_id.empty() || !prompts.is_array() || prompts.size() != 1) return std::nullopt;
  const Json& q = prompts[0];
  if (str(q, "type") != "question" || str(q, "input") != "multi_choice" ||
      str(q, "step_id") != step_id)
    return std::nullopt;
  std::string chosen;
  if (auto sel = q.find("selected"); sel != q.end() && sel->is_array())
    for (const auto& c : *sel) chosen += (chosen.empty() ? "" : "、") + str(c, "label");
  std::string tally = "（選択中：" + (chosen.empty() ? std::string("なし") : chosen) + "）";
  std::string text;
  if (tapped == conversation::kNextPage || tapped == conversation::kPrevPage)
    text = std::string(tapped == conversation::kNextPage ? "続きの選択肢です" : "前の選択肢です") +
           tally;
  else if (tapped == conversation::kClearSelection)
    text = "選択を取り消しました。もう一度選んでください。";
  else if (is_selected(q, tapped))
    text = choice_label(q, tapped) + " を追加しました" + tally;
  else
    text = choice_label(q, tapped) + " を外しました" + tally;
  Json items = Json::array();
  for (const auto& c : q.value("choices", Json::array())) {
    Json a = choice_action(c, step_id);
    if (is_selected(q, str(c, "value")))
      a["label"] = priced("✓" + str(c, "label"), c, kMaxActionLabelUnits);
    items.push_back(quick_item(std::move(a)));
  }
  if (!chosen.empty() && items.size() < kMaxQuickReplyItems)
    items.push_back(quick_item(postback_action(
        "選び直す",
        encode_postback({Postback::Kind::choice, conversation::kClearSelection, step_id}))));
  if (items.size() > kMaxQuickReplyItems)
    items.erase(items.begin() + kMaxQuickReplyItems, items.end());
  Json m{{"type", "text"}, {"text", truncate_utf16(text, kMaxTextUnits)}};
  if (!items.empty()) m["quickReply"] = {{"items", items}};
  return Json::array({m});
}

Json render_prompts(const Json& prompts) {
  Json out = Json::array();
  if (!prompts.is_array()) return out;
  for (size_t i = 0; i < prompts.size(); ++i) {
    const Json& p = prompts[i];
    std::string type = str(p, "type");
    if (type == "summary") {
      const Json* next = i + 1 < prompts.size() ? &prompts[i + 1] : nullptr;
      bool confirm = next && str(*next, "type") == "question" && str(*next, "input") == "confirm";
      out.push_back(summary_message(p, confirm ? next : nullptr));
    } else if (type == "question") {
      std::string text = str(p, "text");
      // Buttons cut long labels; the text lists their full wording (LINE only).
      if (auto cs = p.find("choices"); cs != p.end() && cs->is_array())
        for (const auto& c : *cs)
          if (!str(c, "full_label").empty())
            text += "\n・" + priced(str(c, "full_label"), c, kMaxTextUnits);
      if (!str(p, "hint").empty()) text += "\n" + str(p, "hint");
      Json ms = text_messages(text);
      Json items = question_quick_replies(p);
      if (!items.empty()) ms.back()["quickReply"] = {{"items", items}};
      append(out, ms);
    } else if (type == "completion") {
      std::string text = str(p, "text"), receipt = str(p, "receipt_number");
      if (!receipt.empty() && text.find(receipt) == std::string::npos)
        text += (text.empty() ? "" : "\n") + std::string("受付番号：") + receipt;
      append(out, text_messages(text));
    } else {
      append(out, text_messages(str(p, "text")));
    }
  }
  return out;
}

}  // namespace mg::line
