#include "channels/line/desk.h"

#include "applications/inbox.h"
#include "auth/store.h"
#include "channels/line/demo_rich_menu.h"
#include "channels/line/dialog_input.h"
#include "channels/line/faq_reply.h"
#include "channels/line/my_bookings.h"
#include "channels/line/photo_intake.h"
#include "channels/line/postback_data.h"
#include "channels/line/receiving_settings.h"
#include "channels/line/renderer.h"
#include "channels/line/rich_menu_rules.h"
#include "channels/line/service_menu.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/sse.h"
#include "handoff/service.h"
#include "handoff/store.h"

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

constexpr const char* kHandoffCommand = "handoff.start";
constexpr const char* kHandoffDepartmentPrefix = "handoff.dept:";

Json command_item(const std::string& label, const std::string& value) {
  return {{"type", "action"},
          {"action", postback_action(label, encode_postback({Postback::Kind::command, value}))}};
}

// One more FAQ question in the bot's memory of this resident (the last few, for staff).
void remember(handoff::BotMemory& m, const std::string& question) {
  m.recent_questions.push_back(question.substr(0, 600));
  if (m.recent_questions.size() > handoff::kMaxRecentQuestions)
    m.recent_questions.erase(m.recent_questions.begin());
}

// An answer the resident was shown (an entry, or garbage sorting, which names none): a later
// hand-off is about it when it follows soon (handoff::kFaqAnswerWindowMs).
bool shows_answer(const faq::Reply& r) {
  return r.question_id != 0 && ((r.outcome == faq::Outcome::answered && !r.entries.empty()) ||
                                (r.outcome == faq::Outcome::garbage && !r.garbage.empty()));
}

// 「職員と話す」 offered as a quick reply on the last message.
void offer_handoff(Json& messages) {
  Json m = {{"type", "text"},
            {"text", "うまくお答えできていないようです。職員と直接やりとりもできます。"}};
  m["quickReply"] = {{"items", Json::array({command_item("職員と話す", kHandoffCommand)})}};
  messages.push_back(m);
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

EventAnswer Desk::start_handoff(store::Tx& tx, const ResidentContext& ctx,
                                std::optional<std::string> department) {
  auto memory = handoff::load_memory(tx, ctx.tenant_id, ctx.resident_id);
  if (!department && memory.department.empty() &&
      !handoff::open_conversation(tx, ctx.tenant_id, ctx.resident_id)) {
    // No FAQ entry named a department: the resident chooses one (LINE allows 13 buttons).
    auto ds = auth::sql::known_departments(tx, ctx.tenant_id);
    if (!ds.empty()) {
      Json items = Json::array();
      for (const auto& d : ds) {
        if (items.size() >= 12) break;
        if (d.size() > 100) continue;
        items.push_back(command_item(d.substr(0, 60), kHandoffDepartmentPrefix + d));
      }
      items.push_back(command_item("わからない", kHandoffDepartmentPrefix));
      Json m = {{"type", "text"}, {"text", "どの担当におつなぎしますか？"}};
      m["quickReply"] = {{"items", items}};
      return EventAnswer{Json::array({m}), std::nullopt};
    }
  }
  std::string dept = department ? *department : memory.department;
  if (department && !department->empty()) {
    auto ds = auth::sql::known_departments(tx, ctx.tenant_id);
    if (std::find(ds.begin(), ds.end(), dept) == ds.end()) dept.clear();
  }
  std::optional<handoff::AnswerRef> answer;
  if (memory.last_answer_id) answer = handoff::AnswerRef{*memory.last_answer_id, std::nullopt};
  auto started = handoff::start(tx, ctx.tenant_id, ctx.resident_id, "line", dept,
                                memory.recent_questions, answer, clock::now_ms());
  // Staff streams of this process look at once; other processes within a tick.
  http::notify_events(handoff::tenant_topic(ctx.tenant_id));
  std::string text;
  for (const auto& m : started.messages) text += (text.empty() ? "" : "\n") + m.text;
  return EventAnswer{text_messages(text), std::nullopt};
}

EventAnswer Desk::faq_turn(store::Tx& tx, const ResidentContext& ctx, const std::string& text) {
  faq::Reply asked;
  auto ms = faq_messages(tx, *faq_, ctx.tenant_id, ctx.resident_id, text, &asked);
  auto memory = handoff::load_memory(tx, ctx.tenant_id, ctx.resident_id);
  remember(memory, text);
  if (shows_answer(asked)) memory.last_answer_id = asked.question_id;
  if (asked.outcome == faq::Outcome::answered && !asked.entries.empty()) {
    memory.failures = 0;
    if (!asked.entries[0].department.empty()) memory.department = asked.entries[0].department;
  } else if (asked.outcome == faq::Outcome::unanswered) {
    ++memory.failures;
  }
  handoff::save_memory(tx, ctx.tenant_id, ctx.resident_id, memory, clock::now_ms());
  EventAnswer a;
  if (ms) {
    a.messages = std::move(*ms);
  } else {
    // No good match (logged for staff): say so, then the menu as before.
    a.messages = text_messages("お答えできる情報が見つかりませんでした。担当者が確認します。");
    for (auto& m : menu(ctx, 0, kMenuIntro)) a.messages.push_back(m);
  }
  if (memory.failures >= 2) offer_handoff(a.messages);
  // A generative answer (when the web would get one) is written by a job after this
  // transaction commits, so the model is never called while the event holds the writer; the
  // messages above go with it, or alone when the call fails.
  if (asked.outcome == faq::Outcome::candidates &&
      defer_generated_answer(tx, *faq_, ctx.tenant_id, asked, ctx.user_id, ctx.reply_token,
                             ctx.reply_token_at, a.messages)) {
    a.messages = Json::array();
    a.jobs_enqueued = true;
  }
  return a;
}

EventAnswer Desk::on_text(store::Tx& tx, const ResidentContext& ctx, const std::string& text) {
  // During a hand-off everything the resident types is for staff, not the bot.
  if (auto c = handoff::open_conversation(tx, ctx.tenant_id, ctx.resident_id)) {
    auto clean = handoff::clean_message_text(text);
    if (!clean)
      return EventAnswer{
          text_messages("送れませんでした（" + std::to_string(handoff::kMaxMessageChars) +
                        " 文字まで）。短くしてもう一度送ってください。"),
          std::nullopt};
    handoff::add_message(tx, *c, "resident", std::nullopt, *clean, clock::now_ms());
    http::notify_events(handoff::tenant_topic(ctx.tenant_id));
    http::notify_events(handoff::conversation_topic(ctx.tenant_id, c->id));
    return EventAnswer{};
  }
  if (handoff::asks_for_person(text)) return start_handoff(tx, ctx, std::nullopt);
  if (is_menu_word(text)) return EventAnswer{menu(ctx, 0, kMenuIntro), std::nullopt};
  if (is_settings_word(text))
    return EventAnswer{start_receiving_settings(tx, ctx.tenant_id, ctx.resident_id), std::nullopt};
  if (is_my_bookings_word(text))
    return EventAnswer{my_bookings_tap(tx, ctx.tenant_id, ctx.resident_id, kMyBookingsCommand, "",
                                       clock::now_ms()),
                       std::nullopt};
  if (chat_.open_session(tx, ctx.tenant_id, ctx.resident_id))
    return to_session(tx, ctx, text_dialog_input(text));
  if (ctx.services)
    if (const auto* s = service_named(*ctx.services, text))
      return start_service(tx, ctx, std::to_string(s->id));
  if (faq_) return faq_turn(tx, ctx, text);
  return EventAnswer{menu(ctx, 0, kMenuIntro), std::nullopt};
}

EventAnswer Desk::on_postback(store::Tx& tx, const ResidentContext& ctx, const Json& postback) {
  // Taps meant for the dialog (a choice, a date, 修正, 戻る...) become its Input through the
  // same mapping the builder's LINE phone uses (dialog_input.h).
  auto to_dialog = [&]() -> EventAnswer {
    auto in = postback_dialog_input(postback);
    if (!in) return {};
    return to_session(tx, ctx, in->input, in->multi_step);
  };
  auto pb = decode_postback(str(postback, "data"));
  if (!pb) return to_dialog();
  switch (pb->kind) {
    case Postback::Kind::choice:
    case Postback::Kind::date:
    case Postback::Kind::edit:
      return to_dialog();
    case Postback::Kind::command:
      if (pb->value == kMyApplicationsCommand) return my_applications(tx, ctx);
      if (pb->value == kReceivingSettingsCommand)
        return EventAnswer{start_receiving_settings(tx, ctx.tenant_id, ctx.resident_id),
                           std::nullopt};
      if (is_my_bookings_command(pb->value)) {
        std::string date = postback.contains("params") ? str(postback["params"], "date") : "";
        return EventAnswer{
            my_bookings_tap(tx, ctx.tenant_id, ctx.resident_id, pb->value, date, clock::now_ms()),
            std::nullopt};
      }
      if (pb->value.rfind(kSwitchMenuCommand, 0) == 0)
        return EventAnswer{switch_menu(tx, ctx.tenant_id, ctx.resident_id,
                                       pb->value.substr(std::string(kSwitchMenuCommand).size())),
                           std::nullopt};
      if (pb->value == kHandoffCommand) return start_handoff(tx, ctx, std::nullopt);
      if (pb->value.rfind(kHandoffDepartmentPrefix, 0) == 0)
        return start_handoff(tx, ctx,
                             pb->value.substr(std::string(kHandoffDepartmentPrefix).size()));
      if (faq_ && is_faq_command(pb->value)) {
        faq::Reply answered;
        auto a = EventAnswer{
            faq_command_messages(tx, *faq_, ctx.tenant_id, ctx.resident_id, pb->value, &answered),
            std::nullopt};
        // 「いいえ」「どれでもない」 count as a failed answer; 「はい」 resets the count.
        bool no = pb->value.rfind("faq.no:", 0) == 0 || pb->value.rfind("faq.none:", 0) == 0;
        bool yes = pb->value.rfind("faq.yes:", 0) == 0;
        if (no || yes || shows_answer(answered)) {
          auto memory = handoff::load_memory(tx, ctx.tenant_id, ctx.resident_id);
          if (no || yes) memory.failures = yes ? 0 : memory.failures + 1;
          if (shows_answer(answered)) memory.last_answer_id = answered.question_id;
          handoff::save_memory(tx, ctx.tenant_id, ctx.resident_id, memory, clock::now_ms());
          if (memory.failures >= 2) offer_handoff(a.messages);
        }
        return a;
      }
      return to_dialog();
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
