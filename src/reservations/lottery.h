#pragma once
// Lottery rounds (抽選) of a resource's slots (migration 30). Staff open a round over a set of
// slots with an application window; residents apply once per round with up to three ranked
// slots (changeable until the window closes); after it closes staff draw (a recorded seed, the
// pure draw of lottery_draw.h over recorded inputs) and publish: the winners' bookings are
// written through the ledger (book_in, so capacity is checked under the slots' locks) in the
// publishing transaction, everyone is told through the Messenger, and the slots go back to
// first-come booking. From the round's creation until it is published (or cancelled) its
// slots are not bookable first-come (lottery_hold, checked inside book_in).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "core/json.h"
#include "jobs/queue.h"
#include "messaging/messenger.h"
#include "reservations/lottery_draw.h"
#include "store/db.h"

namespace mg::reservations {

struct LotteryRound {
  int64_t id = 0;
  int64_t tenant_id = 0;
  int64_t resource_id = 0;
  std::string title;
  int64_t opens_at = 0, closes_at = 0;  // applications in [opens_at, closes_at)
  int max_wins = 1;                     // slots one application may win
  std::string status;                   // open, drawn, published, cancelled
  std::string seed;                     // 16 hex digits once drawn
  std::optional<int64_t> drawn_at, published_at;
  int64_t created_at = 0;
  std::vector<int64_t> slots;
};

struct LotteryApplication {
  int64_t id = 0;
  int64_t round_id = 0;
  int64_t resident_id = 0;
  int party = 1;
  std::vector<int64_t> choices;
  std::string status;  // applied, won, lost
  int64_t created_at = 0, updated_at = 0;
};

struct LotteryWin {
  int64_t application_id = 0;
  int64_t slot_start = 0;
  int rank = 1;
  std::optional<int64_t> booking_id;
  std::string refused;  // a booking rule that refused the win at publish (e.g. daily_limit)
};

// A round as staff send it (POST /api/lotteries): {"resource_id", "title"?, "opens_at",
// "closes_at" ("YYYY-MM-DDTHH:MM" JST), "max_wins"? (1..10), and either "slots": [slot...]
// (≤ 2000) or "from"/"to": "YYYY-MM-DD" (every slot of those days, ≤ 62 days)}. Shape only;
// throws ApiError 400 naming the field.
struct RoundSpec {
  int64_t resource_id = 0;
  std::string title;
  int64_t opens_at = 0, closes_at = 0;
  int max_wins = 1;
  std::vector<int64_t> slots;
  std::optional<std::string> from, to;
};
RoundSpec parse_round_spec(const Json& body);

// An application as a resident sends it: {"choices": [slot, ...] (1..3, distinct, best
// first), "party"? (1..10000)}. Shape only; throws ApiError 400.
struct ApplicationSpec {
  std::vector<int64_t> choices;
  int party = 1;
};
ApplicationSpec parse_application_spec(const Json& body);

// Whether any of the slots is held by a live round (open or drawn) other than `except`.
bool lottery_hold(store::Tx& tx, int64_t tenant_id, int64_t resource_id,
                  const std::vector<int64_t>& slots, std::optional<int64_t> except = std::nullopt);
// The held slot starts of a resource in [from_ms, to_ms).
std::vector<int64_t> lottery_held_slots(store::Tx& tx, int64_t tenant_id, int64_t resource_id,
                                        int64_t from_ms, int64_t to_ms);

std::vector<LotteryRound> list_rounds(store::Tx& tx, int64_t tenant_id,
                                      std::optional<int64_t> resource_id = std::nullopt);
std::optional<LotteryRound> find_round(store::Tx& tx, int64_t tenant_id, int64_t id);
std::vector<LotteryApplication> round_applications(store::Tx& tx, int64_t tenant_id,
                                                   int64_t round_id);
std::optional<LotteryApplication> resident_application(store::Tx& tx, int64_t tenant_id,
                                                       int64_t round_id, int64_t resident_id);
std::vector<LotteryWin> round_wins(store::Tx& tx, int64_t tenant_id, int64_t round_id);
// The inputs the draw used (empty before the draw).
std::optional<DrawInput> recorded_input(store::Tx& tx, int64_t tenant_id, int64_t round_id);

// 404 resource; 400 slots not of the calendar, in the past or before closes_at, window
// reversed; 409 overlap (a slot already in a live round). Audited.
LotteryRound create_round(store::Db& db, const auth::Principal& who, const RoundSpec& spec,
                          int64_t now_ms);
// Applies or changes the resident's application: 404 round; 409 not_accepting outside the
// window; 400 a choice not in the round, party. `created` tells a new one from a change.
LotteryApplication apply(store::Db& db, int64_t tenant_id, int64_t round_id, int64_t resident_id,
                         const ApplicationSpec& spec, int64_t now_ms, bool& created);
// Draws a closed round with the given seed (or a random one): 409 still_open before closes_at,
// already_drawn. Records the seed, inputs and wins. Audited.
LotteryRound draw_round(store::Db& db, const auth::Principal& who, int64_t round_id,
                        std::optional<uint64_t> seed, int64_t now_ms);
// Books the wins through the ledger in one transaction, marks applications won/lost, queues
// the notifications and releases the slots: 409 not_drawn. Audited.
LotteryRound publish_round(store::Db& db, const auth::Principal& who, int64_t round_id,
                           int64_t now_ms);
// Cancels an undrawn or drawn round (its slots go back to first-come). 409 when published.
LotteryRound cancel_round(store::Db& db, const auth::Principal& who, int64_t round_id,
                          int64_t now_ms);

// Removes a resource's rounds with their slots, applications and wins (the resource is being
// deleted; its bookings, if any, kept it from that).
void delete_resource_lotteries(store::Tx& tx, int64_t tenant_id, int64_t resource_id);

// "reservations.lottery_result": tells one applicant the result through their channel.
void register_lottery_jobs(jobs::Runner& runner, store::Db& db,
                           const messaging::Dispatch& messengers);

}  // namespace mg::reservations
