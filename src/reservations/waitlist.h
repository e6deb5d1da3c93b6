#pragma once
// The waitlist (キャンセル待ち) of a full slot. When places come back (a cancellation by a
// resident or staff, an offer declined or expired), the next waiting residents whose party
// fits are offered a place, in the order they joined. An offer holds its place for the
// resource's waitlist_hold_minutes: bookers see it taken (it counts against capacity inside
// the booking transaction, read from these rows, never from a counter). Accepting books it
// through ledger::book; an offer not accepted in time expires (a job due at its expiry, on the
// injected Clock) and the place goes to the next resident.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "jobs/queue.h"
#include "messaging/messenger.h"
#include "reservations/ledger.h"
#include "store/db.h"

namespace mg {
class Clock;
}

namespace mg::reservations {

struct WaitlistEntry {
  int64_t id = 0;
  int64_t tenant_id = 0;
  int64_t resource_id = 0;
  int64_t slot_start = 0;
  int party = 1;
  int64_t resident_id = 0;
  std::string status;  // waiting, offered, booked, expired, cancelled
  std::optional<int64_t> offered_at, expires_at, booking_id;
  int64_t created_at = 0;
};

// Places held by live offers of a slot (offered, not yet expired), except one entry's own.
int64_t held_party(store::Tx& tx, int64_t resource_id, int64_t slot_start, int64_t now_ms,
                   std::optional<int64_t> except_entry = std::nullopt);

// The same per slot start in [from_ms, to_ms).
std::vector<std::pair<int64_t, int64_t>> held_per_slot(store::Tx& tx, int64_t resource_id,
                                                       int64_t from_ms, int64_t to_ms,
                                                       int64_t now_ms);

// Offers the slot's free places (capacity − booked − held) to waiting residents in order,
// skipping parties that do not fit. Locks the slot; the caller's transaction commits the
// offers with the change that freed the place, and the jobs that tell the residents and
// expire the offers. Returns the entries offered.
std::vector<int64_t> offer_freed(store::Tx& tx, const Resource& r, int64_t slot_start,
                                 int64_t now_ms);

std::optional<WaitlistEntry> find_entry(store::Tx& tx, int64_t tenant_id, int64_t id);
std::vector<WaitlistEntry> resident_entries(store::Tx& tx, int64_t tenant_id, int64_t resident_id);
std::vector<WaitlistEntry> resource_entries(store::Tx& tx, int64_t resource_id, int64_t from_ms,
                                            int64_t to_ms, std::size_t limit);
// Waiting entries ahead of this one, plus one (0 when it is not waiting).
int64_t position(store::Tx& tx, const WaitlistEntry& e);

// Joins a full slot's waitlist or throws ApiError: 404 resource; the booking rules as in
// book(); 403 not_eligible (the resource's eligibility, as a booking); 409 no_waitlist (the
// resource keeps none), not_full (book it instead), already_waiting.
WaitlistEntry join(store::Db& db, int64_t tenant_id, int64_t resource_id, int64_t slot_start,
                   int party, int64_t resident_id, int64_t now_ms);
// Leaves the waitlist, or declines an offer (its place goes to the next). 404 for another
// resident's entry; 409 not_waiting when the entry is booked, expired or cancelled.
WaitlistEntry leave(store::Db& db, int64_t tenant_id, int64_t entry_id, int64_t resident_id,
                    int64_t now_ms);
// Books the offered place (ledger::book with the entry). 409 offer_gone when the offer
// expired or is not this resident's live offer.
Booking accept(store::Db& db, int64_t tenant_id, int64_t entry_id, int64_t resident_id,
               int64_t now_ms);

// Expires the offers due by now_ms and offers their places to the next residents; returns
// how many expired.
int expire_due(store::Db& db, int64_t now_ms);

// The offer as the resident reads it.
messaging::Message offer_message(const std::string& tenant_code, const std::string& resource_name,
                                 int64_t slot_start, int64_t expires_at);

// Job handlers: "reservations.waitlist_offer" tells the resident through their channel;
// "reservations.waitlist_expire" (due at an offer's expiry) runs expire_due on `clock`.
void register_jobs(jobs::Runner& runner, store::Db& db, const messaging::Dispatch& messengers,
                   const Clock& clock);

}  // namespace mg::reservations
