#include "channels/line/my_bookings.h"

#include <chrono>
#include <optional>

#include "channels/line/line_limits.h"
#include "channels/line/postback_data.h"
#include "channels/line/renderer.h"
#include "channels/line/text_units.h"
#include "core/clock.h"
#include "core/errors.h"
#include "reservations/ledger.h"
#include "reservations/notices.h"

namespace mg::line {

namespace {

namespace res = mg::reservations;

constexpr const char* kCancel = "rsv.cancel:";
constexpr const char* kCancelYes = "rsv.cancel.yes:";
constexpr const char* kChange = "rsv.change:";
constexpr const char* kDay = "rsv.day:";
constexpr const char* kMove = "rsv.move:";
constexpr size_t kMaxBubbles = 10;      // LINE's carousel takes 12; ten keeps it readable
constexpr size_t kMaxSlotChoices = 11;  // + the date picker + やめる = 13 quick replies

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// A positive id of at most 18 digits, or nullopt (the data comes back from the resident's
// phone and may have been edited).
std::optional<int64_t> id_of(const std::string& digits) {
  if (digits.empty() || digits.size() > 18 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  int64_t v = std::stoll(digits);
  if (v <= 0) return std::nullopt;
  return v;
}

Json command_action(const std::string& label, const std::string& value) {
  return postback_action(label, encode_postback({Postback::Kind::command, value}));
}

Json quick(Json action) { return {{"type", "action"}, {"action", std::move(action)}}; }

// A text message with quick replies.
Json text_with(const std::string& text, Json items) {
  Json m = text_messages(text);
  if (!items.empty()) m.back()["quickReply"] = {{"items", std::move(items)}};
  return m;
}

Json back_to_list(const std::string& text) {
  return text_with(text, Json::array({quick(command_action("予約の確認", kMyBookingsCommand))}));
}

Json flex_text(const std::string& text, Json extra = Json::object()) {
  Json t{{"type", "text"}, {"text", truncate_utf16(text, 500)}, {"wrap", true}};
  for (auto& [k, v] : extra.items()) t[k] = v;
  return t;
}

std::string describe(const res::UpcomingBooking& u) {
  std::string s = u.resource_name + "\n" + res::slot_text(u.booking.slot_start, u.end_ms) + "\n" +
                  std::to_string(u.booking.party) + "人";
  if (u.booking.fee > 0) s += "・利用料 " + std::to_string(u.booking.fee) + " 円";
  return s;
}

std::optional<res::UpcomingBooking> upcoming(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                                             int64_t booking_id, int64_t now_ms) {
  for (auto& u : res::upcoming_bookings(tx, tenant_id, resident_id, now_ms, 200))
    if (u.booking.id == booking_id) return u;
  return std::nullopt;
}

Json list(store::Tx& tx, int64_t tenant_id, int64_t resident_id, int64_t now_ms) {
  auto items = res::upcoming_bookings(tx, tenant_id, resident_id, now_ms, kMaxBubbles + 1);
  if (items.empty()) return text_messages("これからの予約はありません。");
  Json bubbles = Json::array();
  std::string alt = "これからの予約";
  for (size_t i = 0; i < items.size() && i < kMaxBubbles; ++i) {
    const auto& u = items[i];
    const auto& b = u.booking;
    std::string id = std::to_string(b.id);
    Json body =
        Json::array({flex_text(u.resource_name, {{"weight", "bold"}}),
                     flex_text(res::slot_text(b.slot_start, u.end_ms)),
                     flex_text(std::to_string(b.party) + "人" +
                                   (b.fee > 0 ? "・利用料 " + std::to_string(b.fee) + " 円" : ""),
                               {{"size", "sm"}, {"color", "#555555"}})});
    Json buttons = Json::array({{{"type", "button"},
                                 {"style", "secondary"},
                                 {"height", "sm"},
                                 {"action", command_action("変更する", kChange + id)}},
                                {{"type", "button"},
                                 {"style", "secondary"},
                                 {"height", "sm"},
                                 {"action", command_action("取り消す", kCancel + id)}}});
    bubbles.push_back(
        {{"type", "bubble"},
         {"body", {{"type", "box"}, {"layout", "vertical"}, {"spacing", "sm"}, {"contents", body}}},
         {"footer",
          {{"type", "box"}, {"layout", "vertical"}, {"spacing", "sm"}, {"contents", buttons}}}});
    alt += "\n" + u.resource_name + " " + res::slot_text(b.slot_start, u.end_ms);
  }
  Json out = Json::array();
  if (items.size() > kMaxBubbles)
    out = text_messages("近い順に " + std::to_string(kMaxBubbles) +
                        " 件を表示しています。ほかの予約は、予約した施設の窓口でも確認できます。");
  out.push_back({{"type", "flex"},
                 {"altText", truncate_utf16(alt, kMaxAltTextUnits)},
                 {"contents", {{"type", "carousel"}, {"contents", bubbles}}}});
  return out;
}

// The slots a booking can move to, as quick replies, with the date picker and やめる.
Json move_question(store::Tx& tx, int64_t tenant_id, const res::UpcomingBooking& u,
                   std::optional<res::Date> day, int64_t now_ms, const std::string& intro) {
  auto r = res::find_resource(tx, tenant_id, u.booking.resource_id);
  if (!r) return back_to_list("この予約の施設は変更を受け付けていません。窓口へご連絡ください。");
  std::string id = std::to_string(u.booking.id);
  Json items = Json::array();
  for (const auto& [start, left] :
       res::move_choices(tx, *r, u.booking, day, now_ms, kMaxSlotChoices)) {
    (void)left;
    std::string label = clock::format_jst(start, "%m/%d %H:%M");
    Json a = command_action(label, kMove + id + ":" + std::to_string(start));
    a["displayText"] =
        res::slot_text(start, start + int64_t{r->calendar.slot_minutes} * 60000) + " に変更";
    items.push_back(quick(a));
  }
  std::string text = intro;
  if (items.empty())
    text += day ? "\nその日に変更できる空きはありません。別の日を選んでください。"
                : "\n変更できる空きがいまはありません。";
  else
    text += day ? "\n変更先の時間を選んでください。" : "\n変更先を選んでください（近い順）。";
  Json picker{{"type", "datetimepicker"},
              {"label", "日付を選ぶ"},
              {"data", encode_postback({Postback::Kind::command, kDay + id})},
              {"mode", "date"},
              {"min", clock::format_jst(now_ms, "%Y-%m-%d")}};
  if (r->window_days > 0)
    picker["max"] = clock::format_jst(now_ms + int64_t{r->window_days} * 86400000, "%Y-%m-%d");
  items.push_back(quick(picker));
  items.push_back(quick(command_action("やめる", kMyBookingsCommand)));
  return text_with(text, items);
}

// Runs fn in a savepoint: a refused change has already stepped the old booking aside in this
// transaction, which the event's other work (its reply, its status) must not commit.
template <typename Fn>
auto in_savepoint(store::Tx& tx, Fn fn) {
  tx.exec("SAVEPOINT line_booking");
  try {
    auto out = fn();
    if (!out) {
      tx.exec("ROLLBACK TO SAVEPOINT line_booking");
    }
    tx.exec("RELEASE SAVEPOINT line_booking");
    return out;
  } catch (...) {
    tx.exec("ROLLBACK TO SAVEPOINT line_booking");
    tx.exec("RELEASE SAVEPOINT line_booking");
    throw;
  }
}

}  // namespace

bool is_my_bookings_word(const std::string& text) {
  return text == "予約の確認" || text == "予約確認" || text == "予約の確認・変更・取消" ||
         text == "予約の変更" || text == "予約の取消" || text == "予約の取り消し" ||
         text == "予約を確認" || text == "予約一覧";
}

bool is_my_bookings_command(const std::string& value) {
  return value == kMyBookingsCommand || starts_with(value, "rsv.");
}

std::string booking_command_value(const BookingCommand& c) {
  std::string id = std::to_string(c.booking_id);
  switch (c.action) {
    case BookingCommand::Action::list:
      return kMyBookingsCommand;
    case BookingCommand::Action::cancel:
      return kCancel + id;
    case BookingCommand::Action::cancel_confirmed:
      return kCancelYes + id;
    case BookingCommand::Action::change:
      return kChange + id;
    case BookingCommand::Action::day:
      return kDay + id;
    case BookingCommand::Action::move:
      return kMove + id + ":" + std::to_string(c.slot_start);
  }
  return kMyBookingsCommand;
}

std::optional<BookingCommand> parse_booking_command(const std::string& value) {
  using A = BookingCommand::Action;
  if (value == kMyBookingsCommand) return BookingCommand{};
  static const std::pair<const char*, A> kForms[] = {{kCancelYes, A::cancel_confirmed},
                                                     {kCancel, A::cancel},
                                                     {kChange, A::change},
                                                     {kDay, A::day},
                                                     {kMove, A::move}};
  for (const auto& [prefix, action] : kForms) {
    if (!starts_with(value, prefix)) continue;
    std::string rest = value.substr(std::string(prefix).size());
    BookingCommand c;
    c.action = action;
    if (action == A::move) {
      auto colon = rest.find(':');
      if (colon == std::string::npos) return std::nullopt;
      auto start = id_of(rest.substr(colon + 1));
      if (!start) return std::nullopt;
      c.slot_start = *start;
      rest = rest.substr(0, colon);
    }
    auto id = id_of(rest);
    if (!id) return std::nullopt;
    c.booking_id = *id;
    return c;
  }
  return std::nullopt;
}

Json my_bookings_tap(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                     const std::string& command, const std::string& date, int64_t now_ms) {
  using A = BookingCommand::Action;
  auto cmd = parse_booking_command(command);
  if (!cmd || cmd->action == A::list) return list(tx, tenant_id, resident_id, now_ms);
  const int64_t id = cmd->booking_id;
  std::string rest = std::to_string(id);
  auto u = upcoming(tx, tenant_id, resident_id, id, now_ms);
  // Another resident's booking, a cancelled or past one: the same answer, naming nothing.
  if (!u)
    return back_to_list(
        "この予約はもう変更・取り消しできません（取り消し済みか、終了しています）。");

  if (cmd->action == A::cancel)
    return text_with(describe(*u) + "\n\nこの予約を取り消しますか？",
                     Json::array({quick(command_action("取り消す", kCancelYes + rest)),
                                  quick(command_action("取り消さない", kMyBookingsCommand))}));
  if (cmd->action == A::cancel_confirmed) {
    try {
      in_savepoint(tx, [&] {
        return std::optional<res::Booking>(res::cancel_in(
            tx, tenant_id, id, resident_id, std::nullopt, "住民による取り消し（LINE）", now_ms));
      });
    } catch (const ApiError& e) {
      return back_to_list(e.what());
    }
    return back_to_list("予約を取り消しました。\n" + describe(*u));
  }
  if (cmd->action == A::change)
    return move_question(tx, tenant_id, *u, std::nullopt, now_ms,
                         describe(*u) + "\n\nこの予約を別の枠に変更します。");
  if (cmd->action == A::day) {
    auto day = res::parse_date(date);
    if (!day)
      return move_question(tx, tenant_id, *u, std::nullopt, now_ms, "日付を選んでください。");
    return move_question(tx, tenant_id, *u, day, now_ms, res::format_date(*day) + " の空き");
  }
  // A::move
  int64_t start = cmd->slot_start;
  std::optional<res::Booking> moved;
  try {
    moved = in_savepoint(tx, [&] {
      return res::change_in(tx, tenant_id, id, start, resident_id, std::nullopt, "", now_ms);
    });
  } catch (const ApiError& e) {
    return move_question(tx, tenant_id, *u, std::nullopt, now_ms, e.what());
  }
  if (!moved)
    return move_question(tx, tenant_id, *u, std::nullopt, now_ms,
                         "申し訳ありません。その枠は埋まりました。");
  auto now_booked = upcoming(tx, tenant_id, resident_id, moved->id, now_ms);
  return back_to_list("予約を変更しました。\n" +
                      (now_booked ? describe(*now_booked) : u->resource_name) +
                      "\n\n確認のメッセージもお送りします。");
}

}  // namespace mg::line
