#pragma once
// 予約の確認・変更・取消 on LINE (issue 12): a resident's upcoming bookings as a carousel
// (facility, date and time, party), each with 変更する and 取り消す. Cancelling asks once more;
// changing offers the free slots the booking could move to (the soonest, or a day picked with
// LINE's date picker). Cancel and change go through the ledger's own transaction bodies
// (reservations::cancel_in / change_in) inside the event's transaction, so the resource's
// rules (cancel and change deadlines, window, lead time, capacity, eligibility) are the same
// as on the web. Stateless like 受信設定: every button names the booking it acts on, and the
// ledger checks that the booking is this resident's.
//
// Entry points: the postback `mg=c&x=reservations` (the rich-menu editor's ready action
// 「予約の確認・変更・取消」), or typing 予約の確認 / 予約確認 / 予約の変更 / 予約の取消 ….
#include <cstdint>
#include <optional>
#include <string>

#include "core/json.h"
#include "store/db.h"

namespace mg::line {

inline constexpr const char* kMyBookingsCommand = "reservations";

bool is_my_bookings_word(const std::string& text);
// The list command, or one of its buttons (rsv.cancel:ID, rsv.cancel.yes:ID, rsv.change:ID,
// rsv.day:ID with the picked date, rsv.move:ID:START_MS).
bool is_my_bookings_command(const std::string& value);

// What a button asks, as its postback carries it (outside input: the data comes back from the
// resident's phone; fuzzed in tests/fuzz/my_bookings_fuzz.cpp).
struct BookingCommand {
  enum class Action { list, cancel, cancel_confirmed, change, day, move };
  Action action = Action::list;
  int64_t booking_id = 0;  // > 0 except for list
  int64_t slot_start = 0;  // move only: the new slot's start (ms, > 0)
};
std::string booking_command_value(const BookingCommand& c);
// nullopt unless the value is exactly one of the forms above, with ids of 1–18 digits.
std::optional<BookingCommand> parse_booking_command(const std::string& value);

// The answer (LINE message objects) to the command; `date` is the date picker's params.date.
Json my_bookings_tap(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                     const std::string& command, const std::string& date, int64_t now_ms);

}  // namespace mg::line
