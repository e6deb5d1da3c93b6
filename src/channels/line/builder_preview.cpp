#include "channels/line/builder_preview.h"

#include <variant>

#include "channels/line/line_limits.h"
#include "channels/line/postback_data.h"
#include "channels/line/renderer.h"
#include "channels/line/text_units.h"
#include "conversation/date_parse.h"
#include "conversation/input.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "services/builder.h"

namespace mg::line {

namespace {

ApiError bad(std::string message) { return ApiError::bad_request(std::move(message), "action"); }

const std::string& string_field(const Json& action, const char* key, const char* what) {
  auto it = action.find(key);
  if (it == action.end() || !it->is_string())
    throw bad(std::string("action.") + key + " に" + what + "を文字列で指定してください");
  return it->get_ref<const std::string&>();
}

}  // namespace

DialogInput preview_action_input(const Json& action) {
  if (!action.is_object())
    throw bad("action は {type, data} か {type, text} のオブジェクトで指定してください");
  for (const auto& [key, value] : action.items()) {
    (void)value;
    if (key != "type" && key != "data" && key != "date" && key != "text")
      throw bad("action に使えない項目があります: " + key.substr(0, 40));
  }
  auto type = action.find("type");
  if (type == action.end() || !type->is_string() || (*type != "postback" && *type != "message"))
    throw bad("action.type は postback か message を指定してください");
  if (*type == "message") {
    if (action.contains("data") || action.contains("date"))
      throw bad("message の action に data や date は指定できません");
    const std::string& text = string_field(action, "text", "送る文");
    size_t units = utf16_length(text);
    if (units == 0 || units > kMaxTextUnits)
      throw bad("action.text は1〜" + std::to_string(kMaxTextUnits) + "文字で指定してください");
    return DialogInput{text_dialog_input(text), {}};
  }
  if (action.contains("text")) throw bad("postback の action に text は指定できません");
  const std::string& data = string_field(action, "data", "ボタンのデータ");
  if (data.empty() || utf16_length(data) > kMaxPostbackDataUnits)
    throw bad("action.data は1〜" + std::to_string(kMaxPostbackDataUnits) +
              "文字で指定してください");
  auto pb = decode_postback(data);
  if (!pb) throw bad("action.data がこの窓口のボタンのデータとして読めません");
  // LINE sends params.date only for a datetimepicker, always as YYYY-MM-DD.
  Json postback{{"data", data}};
  if (action.contains("date")) {
    const std::string& date = string_field(action, "date", "日付");
    if (pb->kind != Postback::Kind::date || date.size() != 10 ||
        !conversation::parse_iso_date(date))
      throw bad("action.date は日付を選ぶボタンに YYYY-MM-DD で指定してください");
    postback["params"] = {{"date", date}};
  } else if (pb->kind == Postback::Kind::date) {
    throw bad("日付を選ぶボタンには action.date（YYYY-MM-DD）が必要です");
  }
  auto in = postback_dialog_input(postback);
  // Menus, services and the desk's own commands answer outside the dialog a preview plays.
  if (!in || std::holds_alternative<conversation::InputError>(conversation::parse_input(in->input)))
    throw bad("このボタンは手続きの外の操作なので、プレビューでは試せません");
  return *in;
}

Json builder_preview(const Json& body, int64_t now_ms) {
  std::optional<DialogInput> action;
  const Json* request = &body;
  Json with_action;
  if (body.is_object() && body.contains("action")) {
    action = preview_action_input(body["action"]);
    with_action = body;
    with_action.erase("action");
    if (!with_action.contains("inputs")) with_action["inputs"] = Json::array();
    // Inputs of another shape are refused by preview_turn, as without an action.
    if (with_action["inputs"].is_array()) with_action["inputs"].push_back(action->input);
    request = &with_action;
  }
  Json turn = services::preview_turn(*request, now_ms);
  const Json prompts = turn.value("prompts", Json::array());
  // A tap on a multi-choice gets LINE's short acknowledgement, as the desk sends it.
  std::optional<Json> short_answer;
  if (action && !action->multi_step.empty() && !turn.value("done", false))
    short_answer = render_multi_choice_tap(prompts, action->multi_step,
                                           action->input.value("value", std::string()));
  turn["messages"] = short_answer ? std::move(*short_answer) : render_prompts(prompts);
  if (action) turn["input"] = action->input;
  return turn;
}

void mount_builder_preview(http::Router& r, auth::AuthService& auth) {
  r.post("/api/services/preview/line", [&](http::Request& req) {
    auth.require(req, auth::Role::editor);
    auto body = http::json_body(req, kServiceDefinitionLimits);
    return http::Response::json(builder_preview(body, clock::now_ms()));
  });
}

}  // namespace mg::line
