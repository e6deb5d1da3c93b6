// libFuzzer target: arbitrary bytes as the postback data of a LINE 予約の確認・変更・取消
// button (mg=c&x=…, returned by the resident's phone and open to editing), through
// decode_postback and parse_booking_command. Properties: nothing throws; an accepted command
// names a positive booking id (and, for a move, a positive slot start), is recognised as a
// bookings command, and its canonical value parses back to the same command.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "channels/line/my_bookings.h"
#include "channels/line/postback_data.h"

using namespace mg::line;

namespace {
void check_value(const std::string& value) {
  auto c = parse_booking_command(value);
  if (!c) return;
  if (!is_my_bookings_command(value)) std::abort();
  bool list = c->action == BookingCommand::Action::list;
  if (list != (c->booking_id == 0) || c->booking_id < 0) std::abort();
  if ((c->action == BookingCommand::Action::move) != (c->slot_start > 0)) std::abort();
  auto again = parse_booking_command(booking_command_value(*c));
  if (!again || again->action != c->action || again->booking_id != c->booking_id ||
      again->slot_start != c->slot_start)
    std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string raw(reinterpret_cast<const char*>(data), size);
  check_value(raw);
  if (auto pb = decode_postback(raw)) check_value(pb->value);
  return 0;
}
