#pragma once
// What a booking tells its resident, and how staff check them in (issue 12). Each message —
// "confirm" (booked), "change" (moved to another slot), "cancel" (cancelled by staff, with the
// reason), "reminder" (at the resource's time before the slot) — goes out at most once per
// booking: the job that sends it first inserts (booking, kind) into booking_messages in the
// transaction that enqueues the message, so a job run again, or a process restarted, finds the
// row and sends nothing. The booking's check-in code (80 random bits, Crockford base32) is
// what its QR code carries; staff scan or type it on /console/checkin.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "jobs/queue.h"
#include "messaging/messenger.h"
#include "reservations/ledger.h"
#include "store/db.h"

namespace mg {
class Clock;
}

namespace mg::reservations {

// A fresh check-in code: 16 characters of Crockford base32 from the CSPRNG.
std::string new_checkin_code();
// A fresh 6-digit smart-lock PIN from the CSPRNG (uniform: rejection sampling).
std::string new_pin();
// What staff typed or the camera read, as stored: upper case, without hyphens and spaces,
// I/L read as 1 and O as 0 (Crockford); nullopt unless exactly 16 code characters remain.
// Outside input (the check-in request): fuzzed.
std::optional<std::string> parse_checkin_code(std::string_view raw);
// XXXX-XXXX-XXXX-XXXX, as printed and encoded in the QR code.
std::string format_checkin_code(const std::string& code);

// The QR code of a check-in code: SVG (the resident's web page) or PNG (LINE's image message).
std::string qr_svg(const std::string& code);
std::string qr_png(const std::string& code);

// When the resource's reminder for a booking starting at slot_start is due (ms), or nullopt
// when the resource sends none.
std::optional<int64_t> reminder_due(const Resource& r, int64_t slot_start);
// "HH:MM" with HH 00–23 and MM 00–59.
bool valid_reminder_time(const std::string& s);

// The slot as residents read it: 12月02日（水）10:00〜11:00 (JST).
std::string slot_text(int64_t start, int64_t end);

// Enqueues reservations.booking_notice for the booking in the caller's transaction.
void enqueue_notice(store::Tx& tx, int64_t tenant_id, int64_t booking_id, const std::string& kind,
                    const std::string& reason = "");

// Sends the reminders due by now_ms (every tenant), each once; returns how many were sent.
int send_due_reminders(store::Db& db, const messaging::Dispatch& messengers, int64_t now_ms);

// Marks the booking of this code attended: 404 not_found (unknown code, or another tenant's),
// 409 cancelled, 409 already_checked_in (details: checked_in_at). Audited. The booking
// returned carries the resource name in `note`.
struct CheckIn {
  Booking booking;
  std::string resource_name;
};
CheckIn check_in(store::Db& db, const auth::Principal& staff, const std::string& code,
                 int64_t now_ms);

// The booking of a code in a tenant (for the QR image), booked or checked in; nullopt else.
std::optional<Booking> booking_by_code(store::Tx& tx, int64_t tenant_id, const std::string& code);

// "reservations.booking_notice" sends one message; "reservations.reminders" runs every
// minute (on `clock`) and sends the reminders due.
void register_notice_jobs(jobs::Runner& runner, store::Db& db,
                          const messaging::Dispatch& messengers, const Clock& clock);

}  // namespace mg::reservations
