#pragma once
// The booking ledger: resources, categories and bookings (migration 20), and the one rule
// that matters most: a slot is never booked beyond its capacity. The check reads the real
// bookings (SUM(party) of booked rows) inside the booking's write transaction; there is no
// separate counter that could drift. PostgreSQL bookers of one slot are serialised by a row
// lock on reservation_slot_locks; SQLite's single writer serialises every writer already.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "reservations/fees.h"
#include "reservations/rules.h"
#include "reservations/schedule.h"
#include "store/db.h"

namespace mg::reservations {

struct Category {
  int64_t id = 0;
  std::string name;
  std::optional<int64_t> parent_id;
};

struct Resource {
  int64_t id = 0;
  int64_t tenant_id = 0;
  std::optional<int64_t> category_id;
  std::string name, description;
  int capacity = 1;
  int window_days = 90;
  int daily_limit = 1;  // bookings per resident per day of this resource; 0 = no limit
  bool stopped = false;
  // The booking rules (migration 24). A multi-slot booking counts once towards the limits.
  WindowMode window_mode = WindowMode::days;
  Lead book_lead, cancel_lead;  // residents only; staff book and cancel at any time
  int period_limit = 0;         // bookings per resident per period; 0 = no limit
  PeriodUnit period_unit = PeriodUnit::month;
  int max_slots = 1;              // consecutive slots one booking may span
  int waitlist_hold_minutes = 0;  // how long a waitlist offer holds a place; 0 = no waitlist
  // Messages and check-in (migration 31): a one-time smart-lock PIN per booking; the
  // reminder goes reminder_days_before days before the slot's day at reminder_time (JST),
  // none when reminder_days_before is -1.
  bool pin_enabled = false;
  int reminder_days_before = 1;
  std::string reminder_time = "18:00";
  BookingTerms terms;  // fee, exemptions, eligibility, party size (migration 32)
  ResourceCalendar calendar;
};

struct Booking {
  int64_t id = 0;
  int64_t resource_id = 0;
  int64_t slot_start = 0;
  int party = 1;
  std::optional<int64_t> resident_id, staff_id;
  std::string status, note, reason;
  int64_t created_at = 0, updated_at = 0;
  // A booking of several consecutive slots is one row per slot sharing group_id (the first
  // row's id); `slots` counts them (filled by book()).
  std::optional<int64_t> group_id;
  int slots = 1;
  std::string contact_name, contact_phone;  // phone/counter bookings (staff console)
  // Migration 31: the smart-lock PIN (empty when the resource has none) and the code the QR
  // carries, on the booking's first row; attendance; the booking a change moved this one to.
  std::string pin, checkin_token;
  std::optional<int64_t> checked_in_at, checked_in_by, changed_to;
  // As charged (migration 32): the whole booking's fee is on its first row, 0 on the others,
  // so the rows of a period add up; the exemption (code and label as then) on every row.
  int64_t fee = 0;
  std::string exemption, exemption_label;
};

// Category and resource rows; all tenant-scoped (another tenant's id is "not found").
std::vector<Category> list_categories(store::Tx& tx, int64_t tenant_id);
std::optional<Category> find_category(store::Tx& tx, int64_t tenant_id, int64_t id);
// The depth of a category (1 = top level), following parents; 0 when not found.
int category_depth(store::Tx& tx, int64_t tenant_id, int64_t id);
int64_t insert_category(store::Tx& tx, int64_t tenant_id, const std::string& name,
                        std::optional<int64_t> parent_id, int64_t now);
bool update_category(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& name,
                     std::optional<int64_t> parent_id, int64_t now);
// false when the category has subcategories or resources (or is not the tenant's).
bool delete_category(store::Tx& tx, int64_t tenant_id, int64_t id);

std::vector<Resource> list_resources(store::Tx& tx, int64_t tenant_id);
std::optional<Resource> find_resource(store::Tx& tx, int64_t tenant_id, int64_t id);
int64_t insert_resource(store::Tx& tx, const Resource& r, int64_t now);
void update_resource(store::Tx& tx, const Resource& r, int64_t now);
int64_t booking_count(store::Tx& tx, int64_t resource_id);
void delete_resource(store::Tx& tx, int64_t tenant_id, int64_t id);

// Booked party per slot start in [from_ms, to_ms).
std::vector<std::pair<int64_t, int64_t>> booked_per_slot(store::Tx& tx, int64_t resource_id,
                                                         int64_t from_ms, int64_t to_ms);
std::vector<Booking> ledger(store::Tx& tx, int64_t resource_id, int64_t from_ms, int64_t to_ms,
                            std::size_t limit);
std::optional<Booking> find_booking(store::Tx& tx, int64_t tenant_id, int64_t id);

struct BookingRequest {
  int64_t tenant_id = 0;
  int64_t resource_id = 0;
  int64_t slot_start = 0;
  int party = 1;
  std::optional<int64_t> resident_id;    // a resident's own booking
  std::optional<auth::Principal> staff;  // a phone/counter booking, audited
  std::string note;
  int slots = 1;  // consecutive slots from slot_start, booked all or none (max: max_slots)
  // Accepting a waitlist offer: the entry's held place is this booking's (see waitlist.h).
  std::optional<int64_t> waitlist_entry_id;
  std::string contact_name, contact_phone;  // who called, for a staff booking
  // A lottery win being booked on publish (lottery.h): the round's window replaced the
  // booking window and lead time, and the round's own hold on the slot does not refuse it.
  std::optional<int64_t> lottery_round_id;
  // The message the resident gets (reservations.booking_notice): "confirm", or "change" when
  // a change books the new slot; empty for none.
  std::string notice = "confirm";
  std::string notice_reason;            // a staff change's reason, for the message
  std::optional<int64_t> changed_from;  // the booking a change replaces, for the message
  std::string exemption;                // an exemption code of the resource, or empty
};

// Books or throws ApiError: 404 unknown resource; 400 not_a_slot, out_of_window, party, slots,
// exemption; 403 not_eligible (a resident's own booking only; staff book for anyone); 409
// stopped, closed, lottery (the slot is in a lottery round until it is published), lead_time,
// daily_limit, period_limit, offer_gone, slot_full (details: the next free slots). Every rule
// and the capacity (bookings plus places held by waitlist offers) are checked inside the write
// transaction, under the slots' locks.
Booking book(store::Db& db, const BookingRequest& req, int64_t now_ms);

// The booking transaction's work inside the caller's write transaction (a chat turn books as
// it stores the application): the same rules and slot lock; nullopt when the slot has no room
// for the party. Throws ApiError as book() does for the rules.
std::optional<Booking> book_in(store::Tx& tx, const BookingRequest& req, int64_t now_ms);

// Throws 403 not_eligible unless the resource's eligibility admits the resident, judged by
// their attributes as they are now, in the caller's transaction (the waitlist's join asks
// before a resident waits for a place they could never take).
void require_eligible(store::Tx& tx, const Resource& r, int64_t resident_id);

// Cancels a booked row; a resident may cancel only their own (others' are 404) and not
// after the slot began or the cancel lead time passed (409 started, cancel_deadline); staff
// any, with a reason (audited). 409 already_cancelled. A multi-slot booking is cancelled
// whole. The freed places are offered to the slot's waitlist in the same transaction.
Booking cancel(store::Db& db, int64_t tenant_id, int64_t booking_id,
               std::optional<int64_t> resident_id, const std::optional<auth::Principal>& staff,
               const std::string& reason, int64_t now_ms);

// Moves a booked booking to another slot of its resource, atomically: the old rows are
// cancelled (changed_to = the new booking) and the new slot is booked under the same rules
// and slot locks as book(), in one transaction; nothing changes when the new slot is full
// (409 slot_full with next_free) or breaks a rule. A resident may move only their own (404)
// and not after the slot began or the cancel lead time passed (409 started, change_deadline);
// staff any, with a reason (audited). 400 same_slot; 409 already_cancelled. The freed places
// go to the waitlist; the resident gets a "change" message with the new PIN and QR code.
Booking change(store::Db& db, int64_t tenant_id, int64_t booking_id, int64_t new_slot_start,
               std::optional<int64_t> resident_id, const std::optional<auth::Principal>& staff,
               const std::string& reason, int64_t now_ms);

// cancel() and change() inside the caller's write transaction (the LINE desk answers an event
// in one). change_in returns nullopt when the new slot has no room; then, or when it throws,
// the old booking may already be marked cancelled in `tx`: the caller rolls back (change()
// its transaction, the desk a savepoint).
Booking cancel_in(store::Tx& tx, int64_t tenant_id, int64_t booking_id,
                  std::optional<int64_t> resident_id, const std::optional<auth::Principal>& staff,
                  const std::string& reason, int64_t now_ms);
std::optional<Booking> change_in(store::Tx& tx, int64_t tenant_id, int64_t booking_id,
                                 int64_t new_slot_start, std::optional<int64_t> resident_id,
                                 const std::optional<auth::Principal>& staff,
                                 const std::string& reason, int64_t now_ms);

// A resident's bookings still to come (booked, not begun), soonest first, one per booking
// (a multi-slot booking by its first row, `slots` counted), with the resource's name and
// when the booking ends.
struct UpcomingBooking {
  Booking booking;
  std::string resource_name;
  int64_t end_ms = 0;
};
std::vector<UpcomingBooking> upcoming_bookings(store::Tx& tx, int64_t tenant_id,
                                               int64_t resident_id, int64_t now_ms,
                                               std::size_t limit);

// Slots booking `b` could move to as its resident: room for its party (bookings and live
// waitlist offers), inside the window and the booking lead time, not its own slot; on `day`
// only when given, else the soonest. At most `count`; (start, places left).
std::vector<std::pair<int64_t, int64_t>> move_choices(store::Tx& tx, const Resource& r,
                                                      const Booking& b, std::optional<Date> day,
                                                      int64_t now_ms, std::size_t count);

// Serialises the writers of one slot (bookers, cancellers offering the place): a row lock on
// PostgreSQL; nothing on SQLite, whose BEGIN IMMEDIATE already made the caller the only writer.
void lock_slot(store::Tx& tx, int64_t resource_id, int64_t slot_start);
// Booked party of a slot (status booked).
int64_t booked_party(store::Tx& tx, int64_t resource_id, int64_t slot_start);

// Up to `count` bookable slots from `after_ms` on with room for `party`, inside the window.
std::vector<std::pair<int64_t, int64_t>> next_free(store::Tx& tx, const Resource& r,
                                                   int64_t after_ms, int party, int64_t now_ms,
                                                   std::size_t count);

}  // namespace mg::reservations
