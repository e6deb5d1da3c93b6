#include "channels/line/desk.h"

#include "applications/inbox.h"
#include "channels/line/demo_rich_menu.h"
#include "channels/line/faq_reply.h"
#include "channels/line/photo_intake.h"
#include "channels/line/postback_data.h"
#include "channels/line/receiving_settings.h"
#include "channels/line/renderer.h"
#include "channels/line/service_menu.h"
#include "core/errors.h"

namespace mg::line {

namespace {
constexpr const char* kMenuIntro = "ご利用になりたい手続きを選んでください。";

std::string str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool is_menu_word(const std::string& t) {
  return t == "メニュー" || t == "手続き一覧" || t == "menu" || t == "めにゅー";
}
}  // namespace

Json Desk::menu(const ResidentContext& ctx, int page, const std::string& intro) {
  static const std::vector<services::ServiceSummary> none;
  bool cacheable = ctx.first_menu && page == 0 && intro == kMenuIntro;
  if (cacheable && !ctx.first_menu->is_null()) return *ctx.first_menu;
  Json m = Json::array({service_menu_message(ctx.services ? *ctx.services : none, page, intro)});
  if (cacheable) *ctx.first_menu = m;
  return m;
}

Json Desk::turn_messages(const applications::ChatTurn& turn) {
  Json ms = render_prompts(turn.prompts);
  if (turn.done && !ms.empty() && !ms.back().contains("quickReply")) {
    // After the dialog ends, one tap leads back to the list of services.
    ms.back()["quickReply"] = {
        {"items",
         Json::array(
             {{{"type", "action"},
               {"action",
                postback_action("ほかの手続き", encode_postback({Postback::Kind::menu, "0"}))}}})}};
  }
  return ms;
}

EventAnswer Desk::my_applications(store::Tx& tx, const ResidentContext& ctx) {
  Json items = applications::resident_applications(tx, ctx.tenant_id, ctx.resident_id)["items"];
  std::string text;
  if (items.empty()) {
    text = "まだ申請した手続きはありません。";
  } else {
    text = "申請した手続き（新しい順）";
    size_t n = 0;
    for (const auto& it : items) {
      if (++n > 10) {
        text += "\n\nほか " + std::to_string(items.size() - 10) + " 件";
        break;
      }
      text += "\n\n" + str(it, "service_title") + "\n受付番号：" + str(it, "receipt_number") +
              "\n状況：" + str(it, "status_label");
      if (it.contains("correction")) text += "（修正のお願いがあります）";
    }
  }
  EventAnswer a;
  a.messages = text_messages(text);
  a.messages.back()["quickReply"] = {
      {"items",
       Json::array({{{"type", "action"},
                     {"action", postback_action("ほかの手続き",
                                                encode_postback({Postback::Kind::menu, "0"}))}}})}};
  return a;
}

EventAnswer Desk::to_session(store::Tx& tx, const ResidentContext& ctx, const Json& input,
                             const std::string& multi_step) {
  EventAnswer a;
  auto session = chat_.open_session(tx, ctx.tenant_id, ctx.resident_id);
  if (!session) {
    a.messages = menu(ctx, 0, kMenuIntro);
    return a;
  }
  try {
    auto turn = chat_.input(tx, ctx.tenant_id, ctx.resident_id, *session, input);
    std::optional<Json> short_answer;
    if (!multi_step.empty() && !turn.done)
      short_answer = render_multi_choice_tap(turn.prompts, multi_step, str(input, "value"));
    a.messages = short_answer ? std::move(*short_answer) : turn_messages(turn);
  } catch (const ApiError&) {
    a.messages = menu(ctx, 0, kMenuIntro);
  }
  return a;
}

EventAnswer Desk::start_service(store::Tx& tx, const ResidentContext& ctx,
                                const std::string& service_id) {
  EventAnswer a;
  int64_t id = 0;
  try {
    id = std::stoll(service_id);
  } catch (...) {
  }
  try {
    chat_.close_open_sessions(tx, ctx.tenant_id, ctx.resident_id);
    a.messages = turn_messages(chat_.start(tx, ctx.tenant_id, ctx.resident_id, id));
  } catch (const ApiError&) {
    a.messages = menu(ctx, 0, "この手続きは現在受け付けていません。\n" + std::string(kMenuIntro));
  }
  return a;
}

EventAnswer Desk::on_text(store::Tx& tx, const ResidentContext& ctx, const std::string& text) {
  if (is_menu_word(text)) return EventAnswer{menu(ctx, 0, kMenuIntro), std::nullopt};
  if (is_settings_word(text))
    return EventAnswer{start_receiving_settings(tx, ctx.tenant_id, ctx.resident_id), std::nullopt};
  if (chat_.open_session(tx, ctx.tenant_id, ctx.resident_id))
    return to_session(tx, ctx, {{"type", "text"}, {"text", text}});
  if (ctx.services)
    if (const auto* s = service_named(*ctx.services, text))
      return start_service(tx, ctx, std::to_string(s->id));
  if (faq_) {
    if (auto ms = faq_messages(tx, *faq_, ctx.tenant_id, ctx.resident_id, text))
      return EventAnswer{std::move(*ms), std::nullopt};
    // No good match (logged for staff): say so, then the menu as before.
    Json ms = text_messages("お答えできる情報が見つかりませんでした。担当者が確認します。");
    for (auto& m : menu(ctx, 0, kMenuIntro)) ms.push_back(m);
    return EventAnswer{std::move(ms), std::nullopt};
  }
  return EventAnswer{menu(ctx, 0, kMenuIntro), std::nullopt};
}

EventAnswer Desk::on_postback(store::Tx& tx, const ResidentContext& ctx, const Json& postback) {
  auto pb = decode_postback(str(postback, "data"));
  if (!pb) return to_session(tx, ctx, {{"type", "command"}, {"command", "help"}});
  switch (pb->kind) {
    case Postback::Kind::choice:
      return to_session(tx, ctx, {{"type", "choice"}, {"value", pb->value}}, pb->step);
    case Postback::Kind::date: {
      std::string date = postback.contains("params") ? str(postback["params"], "date") : "";
      return to_session(tx, ctx, {{"type", "date"}, {"date", date}});
    }
    case Postback::Kind::edit:
      return to_session(tx, ctx,
                        {{"type", "command"}, {"command", "edit"}, {"step_id", pb->value}});
    case Postback::Kind::command:
      if (pb->value == kMyApplicationsCommand) return my_applications(tx, ctx);
      if (pb->value == kReceivingSettingsCommand)
        return EventAnswer{start_receiving_settings(tx, ctx.tenant_id, ctx.resident_id),
                           std::nullopt};
      if (faq_ && is_faq_command(pb->value))
        return EventAnswer{
            faq_command_messages(tx, *faq_, ctx.tenant_id, ctx.resident_id, pb->value),
            std::nullopt};
      return to_session(tx, ctx, {{"type", "command"}, {"command", pb->value}});
    case Postback::Kind::service:
      // Rich menus name a service by its title (ids differ per tenant and import).
      if (!pb->value.empty() && pb->value.find_first_not_of("0123456789") != std::string::npos &&
          ctx.services)
        if (const auto* s = service_named(*ctx.services, pb->value))
          return start_service(tx, ctx, std::to_string(s->id));
      return start_service(tx, ctx, pb->value);
    case Postback::Kind::setting: {
      std::string date = postback.contains("params") ? str(postback["params"], "date") : "";
      return EventAnswer{receiving_settings_tap(tx, ctx.tenant_id, ctx.resident_id, *pb, date),
                         std::nullopt};
    }
    case Postback::Kind::menu: {
      int page = 0;
      try {
        page = std::stoi(pb->value);
      } catch (...) {
      }
      return EventAnswer{menu(ctx, page, kMenuIntro), std::nullopt};
    }
  }
  return {};
}

EventAnswer Desk::on_message(store::Tx& tx, const ResidentContext& ctx, const Json& m) {
  std::string type = str(m, "type");
  if (type == "text") return on_text(tx, ctx, str(m, "text"));
  if (type == "location") {
    Json in{{"type", "location"},
            {"lat", m.value("latitude", 0.0)},
            {"lng", m.value("longitude", 0.0)},
            {"address", str(m, "address")}};
    return to_session(tx, ctx, in);
  }
  if (type == "image") {
    if (!chat_.open_session(tx, ctx.tenant_id, ctx.resident_id))
      return to_session(tx, ctx, Json::object());
    if (!ctx.photo)
      return EventAnswer{text_messages("写真を受け取れませんでした。もう一度送ってください。"),
                         std::nullopt};
    int64_t id = store_photo(tx, ctx.tenant_id, ctx.resident_id, *ctx.photo);
    return to_session(tx, ctx, {{"type", "photo"}, {"attachment_id", id}});
  }
  // Stickers, videos, files…: repeat the current question, or offer the menu.
  EventAnswer a;
  if (auto s = chat_.open_session(tx, ctx.tenant_id, ctx.resident_id))
    a.messages = turn_messages(chat_.resume(tx, ctx.tenant_id, ctx.resident_id, *s));
  else
    a.messages = menu(ctx, 0, kMenuIntro);
  return a;
}

EventAnswer Desk::answer(store::Tx& tx, const Json& event, const ResidentContext& ctx) {
  std::string type = str(event, "type");
  if (type == "follow") {
    EventAnswer a;
    a.resident_status = "active";
    std::string greeting = !ctx.greeting.empty()
                               ? ctx.greeting
                               : "友だち追加ありがとうございます。" + ctx.tenant_name +
                                     "のオンライン窓口です。\n各種手続きをLINEで受け付けています。";
    a.messages = text_messages(greeting);
    for (const auto& m : menu(ctx, 0, kMenuIntro)) a.messages.push_back(m);
    return a;
  }
  if (type == "unfollow") {
    EventAnswer a;
    a.resident_status = "blocked";
    return a;
  }
  if (type == "message" && event.contains("message")) return on_message(tx, ctx, event["message"]);
  if (type == "postback" && event.contains("postback"))
    return on_postback(tx, ctx, event["postback"]);
  return {};
}

}  // namespace mg::line
