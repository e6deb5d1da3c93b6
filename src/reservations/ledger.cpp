#include "reservations/ledger.h"

#include <algorithm>
#include <map>

#include "auth/service.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "reservations/lottery.h"
#include "reservations/notices.h"
#include "reservations/waitlist.h"
#include "residents/condition.h"
#include "residents/segments.h"

namespace mg::reservations {

namespace chr = std::chrono;

namespace {

constexpr const char* kResourceColumns =
    "id, tenant_id, category_id, name, description, slot_minutes, capacity, opening_hours, "
    "closed_on_holidays, window_days, daily_limit, stopped, window_mode, book_lead, "
    "book_lead_unit, cancel_lead, cancel_lead_unit, period_limit, period_unit, max_slots, "
    "waitlist_hold_minutes, pin_enabled, reminder_days_before, reminder_time, fee_per_slot, "
    "exemptions, eligibility, eligibility_segment_id, party_min, party_max";

int64_t day_number(Date d) { return chr::sys_days{d}.time_since_epoch().count(); }

Resource resource_of(store::Tx& tx, const store::Row& r) {
  Resource out;
  out.id = r.i64(0);
  out.tenant_id = r.i64(1);
  out.category_id = r.opt_i64(2);
  out.name = r.str(3);
  out.description = r.str(4);
  out.calendar.slot_minutes = static_cast<int>(r.i64(5));
  out.capacity = static_cast<int>(r.i64(6));
  // Stored hours were validated on the way in; a row that no longer parses opens never.
  try {
    out.calendar.weekly = parse_opening_hours(parse_stored_json(r.str(7)));
  } catch (const std::exception&) {
    out.calendar.weekly = {};
  }
  out.calendar.closed_on_holidays = r.i64(8) != 0;
  out.window_days = static_cast<int>(r.i64(9));
  out.daily_limit = static_cast<int>(r.i64(10));
  out.stopped = r.i64(11) != 0;
  // Stored values were validated on the way in; an unknown one falls back to the default.
  out.window_mode = window_mode_of(r.str(12)).value_or(WindowMode::days);
  out.book_lead = {static_cast<int>(r.i64(13)), lead_unit_of(r.str(14)).value_or(LeadUnit::hours)};
  out.cancel_lead = {static_cast<int>(r.i64(15)),
                     lead_unit_of(r.str(16)).value_or(LeadUnit::hours)};
  out.period_limit = static_cast<int>(r.i64(17));
  out.period_unit = period_unit_of(r.str(18)).value_or(PeriodUnit::month);
  out.max_slots = static_cast<int>(r.i64(19));
  out.waitlist_hold_minutes = static_cast<int>(r.i64(20));
  out.pin_enabled = r.i64(21) != 0;
  out.reminder_days_before = static_cast<int>(r.i64(22));
  out.reminder_time = r.str(23);
  out.terms.fee_per_slot = r.i64(24);
  out.terms.exemptions = exemptions_from_stored(r.str(25));
  // An unknown stored mode admits nobody rather than everyone.
  out.terms.eligibility = eligibility_of(r.str(26)).value_or(Eligibility::segment);
  out.terms.eligibility_segment_id = r.opt_i64(27);
  out.terms.party_min = static_cast<int>(r.i64(28));
  out.terms.party_max = static_cast<int>(r.i64(29));
  tx.each(
      "SELECT day, closed, hours, note FROM resource_special_days WHERE resource_id = ? "
      "ORDER BY day",
      {out.id}, [&](const store::Row& s) {
        SpecialDay d;
        d.date = Date{chr::sys_days{chr::days{s.i64(0)}}};
        d.closed = s.i64(1) != 0;
        try {
          d.hours = parse_intervals(parse_stored_json(s.str(2)), "special_days");
        } catch (const std::exception&) {
          d.closed = true;
        }
        d.note = s.str(3);
        out.calendar.special.push_back(std::move(d));
        return true;
      });
  return out;
}

Booking booking_of(const store::Row& r) {
  Booking b;
  b.id = r.i64(0);
  b.resource_id = r.i64(1);
  b.slot_start = r.i64(2);
  b.party = static_cast<int>(r.i64(3));
  b.resident_id = r.opt_i64(4);
  b.staff_id = r.opt_i64(5);
  b.status = r.str(6);
  b.note = r.str(7);
  b.reason = r.str(8);
  b.created_at = r.i64(9);
  b.updated_at = r.i64(10);
  b.group_id = r.opt_i64(11);
  b.contact_name = r.str(12);
  b.contact_phone = r.str(13);
  b.pin = r.str(14);
  b.checkin_token = r.str(15);
  b.checked_in_at = r.opt_i64(16);
  b.checked_in_by = r.opt_i64(17);
  b.changed_to = r.opt_i64(18);
  b.fee = r.i64(19);
  b.exemption = r.str(20);
  b.exemption_label = r.str(21);
  return b;
}

constexpr const char* kBookingColumns =
    "id, resource_id, slot_start, party, resident_id, staff_id, status, note, reason, "
    "created_at, updated_at, group_id, contact_name, contact_phone, pin, checkin_token, "
    "checked_in_at, checked_in_by, changed_to, fee, exemption, exemption_label";

void write_special_days(store::Tx& tx, const Resource& r) {
  tx.exec("DELETE FROM resource_special_days WHERE resource_id = ?", {r.id});
  for (const auto& s : r.calendar.special)
    tx.exec(
        "INSERT INTO resource_special_days(tenant_id, resource_id, day, closed, hours, note) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        {r.tenant_id, r.id, day_number(s.date), int64_t{s.closed ? 1 : 0},
         intervals_json(s.hours).dump(), s.note});
}

Json slots_json(const std::vector<std::pair<int64_t, int64_t>>& slots) {
  Json out = Json::array();
  for (const auto& [start, remaining] : slots)
    out.push_back({{"start", format_slot(start)}, {"remaining", remaining}});
  return out;
}

}  // namespace

int64_t booked_party(store::Tx& tx, int64_t resource_id, int64_t slot_start) {
  auto row = tx.one(
      "SELECT COALESCE(SUM(party), 0) FROM bookings WHERE resource_id = ? AND slot_start = ? "
      "AND status = 'booked'",
      {resource_id, slot_start});
  return row ? row->i64(0) : 0;
}

void lock_slot(store::Tx& tx, int64_t resource_id, int64_t slot_start) {
  // ON CONFLICT DO NOTHING waits only for an insert of the same key still in flight; FOR
  // UPDATE then queues the writers one by one, and READ COMMITTED lets each see the rows the
  // previous one committed. Nothing is locked on SQLite: BEGIN IMMEDIATE already made this
  // transaction the only writer.
  if (store::single_writer(tx)) return;
  tx.exec(
      "INSERT INTO reservation_slot_locks(resource_id, slot_start) VALUES (?, ?) "
      "ON CONFLICT DO NOTHING",
      {resource_id, slot_start});
  tx.one(std::string("SELECT slot_start FROM reservation_slot_locks WHERE resource_id = ? "
                     "AND slot_start = ?") +
             store::for_update(tx),
         {resource_id, slot_start});
}

std::vector<Category> list_categories(store::Tx& tx, int64_t tenant_id) {
  std::vector<Category> out;
  tx.each("SELECT id, name, parent_id FROM resource_categories WHERE tenant_id = ? ORDER BY id",
          {tenant_id}, [&](const store::Row& r) {
            out.push_back({r.i64(0), r.str(1), r.opt_i64(2)});
            return out.size() < 1000;
          });
  return out;
}

std::optional<Category> find_category(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto r =
      tx.one("SELECT id, name, parent_id FROM resource_categories WHERE tenant_id = ? AND id = ?",
             {tenant_id, id});
  if (!r) return std::nullopt;
  return Category{r->i64(0), r->str(1), r->opt_i64(2)};
}

int category_depth(store::Tx& tx, int64_t tenant_id, int64_t id) {
  int depth = 0;
  std::optional<int64_t> at = id;
  while (at && depth < 10) {
    auto c = find_category(tx, tenant_id, *at);
    if (!c) return depth == 0 ? 0 : depth;
    ++depth;
    at = c->parent_id;
  }
  return depth;
}

int64_t insert_category(store::Tx& tx, int64_t tenant_id, const std::string& name,
                        std::optional<int64_t> parent_id, int64_t now) {
  return tx.insert_id(
      "INSERT INTO resource_categories(tenant_id, name, parent_id, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?) RETURNING id",
      {tenant_id, name, store::opt(parent_id), now, now});
}

bool update_category(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& name,
                     std::optional<int64_t> parent_id, int64_t now) {
  return tx.exec(
             "UPDATE resource_categories SET name = ?, parent_id = ?, updated_at = ? WHERE "
             "tenant_id = ? AND id = ?",
             {name, store::opt(parent_id), now, tenant_id, id}) > 0;
}

bool delete_category(store::Tx& tx, int64_t tenant_id, int64_t id) {
  if (tx.one("SELECT 1 FROM resource_categories WHERE parent_id = ? LIMIT 1", {id}) ||
      tx.one("SELECT 1 FROM resources WHERE category_id = ? LIMIT 1", {id}))
    return false;
  return tx.exec("DELETE FROM resource_categories WHERE tenant_id = ? AND id = ?",
                 {tenant_id, id}) > 0;
}

std::vector<Resource> list_resources(store::Tx& tx, int64_t tenant_id) {
  std::vector<store::Row> rows =
      tx.query(std::string("SELECT ") + kResourceColumns +
                   " FROM resources WHERE tenant_id = ? ORDER BY id LIMIT 1000",
               {tenant_id});
  std::vector<Resource> out;
  for (const auto& r : rows) out.push_back(resource_of(tx, r));
  return out;
}

std::optional<Resource> find_resource(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto r = tx.one(
      std::string("SELECT ") + kResourceColumns + " FROM resources WHERE tenant_id = ? AND id = ?",
      {tenant_id, id});
  if (!r) return std::nullopt;
  return resource_of(tx, *r);
}

namespace {
// The rule columns (migration 24), in the order of kRuleColumns.
constexpr const char* kRuleAssignments =
    "window_mode = ?, book_lead = ?, book_lead_unit = ?, cancel_lead = ?, cancel_lead_unit = ?, "
    "period_limit = ?, period_unit = ?, max_slots = ?, waitlist_hold_minutes = ?, "
    "pin_enabled = ?, reminder_days_before = ?, reminder_time = ?, fee_per_slot = ?, "
    "exemptions = ?, eligibility = ?, eligibility_segment_id = ?, party_min = ?, party_max = ?";
store::Params rule_values(const Resource& r) {
  return {to_string(r.window_mode),
          int64_t{r.book_lead.amount},
          to_string(r.book_lead.unit),
          int64_t{r.cancel_lead.amount},
          to_string(r.cancel_lead.unit),
          int64_t{r.period_limit},
          to_string(r.period_unit),
          int64_t{r.max_slots},
          int64_t{r.waitlist_hold_minutes},
          int64_t{r.pin_enabled ? 1 : 0},
          int64_t{r.reminder_days_before},
          r.reminder_time,
          r.terms.fee_per_slot,
          exemptions_json(r.terms.exemptions).dump(),
          to_string(r.terms.eligibility),
          store::opt(r.terms.eligibility_segment_id),
          int64_t{r.terms.party_min},
          int64_t{r.terms.party_max}};
}
void write_rules(store::Tx& tx, const Resource& r) {
  auto params = rule_values(r);
  params.push_back(r.tenant_id);
  params.push_back(r.id);
  tx.exec(
      std::string("UPDATE resources SET ") + kRuleAssignments + " WHERE tenant_id = ? AND id = ?",
      params);
}
}  // namespace

int64_t insert_resource(store::Tx& tx, const Resource& r, int64_t now) {
  Resource with_id = r;
  with_id.id = tx.insert_id(
      "INSERT INTO resources(tenant_id, category_id, name, description, slot_minutes, capacity, "
      "opening_hours, closed_on_holidays, window_days, daily_limit, stopped, created_at, "
      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {r.tenant_id, store::opt(r.category_id), r.name, r.description,
       int64_t{r.calendar.slot_minutes}, int64_t{r.capacity}, to_json(r.calendar.weekly).dump(),
       int64_t{r.calendar.closed_on_holidays ? 1 : 0}, int64_t{r.window_days},
       int64_t{r.daily_limit}, int64_t{r.stopped ? 1 : 0}, now, now});
  write_rules(tx, with_id);
  write_special_days(tx, with_id);
  return with_id.id;
}

void update_resource(store::Tx& tx, const Resource& r, int64_t now) {
  tx.exec(
      "UPDATE resources SET category_id = ?, name = ?, description = ?, slot_minutes = ?, "
      "capacity = ?, opening_hours = ?, closed_on_holidays = ?, window_days = ?, daily_limit = ?, "
      "stopped = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
      {store::opt(r.category_id), r.name, r.description, int64_t{r.calendar.slot_minutes},
       int64_t{r.capacity}, to_json(r.calendar.weekly).dump(),
       int64_t{r.calendar.closed_on_holidays ? 1 : 0}, int64_t{r.window_days},
       int64_t{r.daily_limit}, int64_t{r.stopped ? 1 : 0}, now, r.tenant_id, r.id});
  write_rules(tx, r);
  write_special_days(tx, r);
}

int64_t booking_count(store::Tx& tx, int64_t resource_id) {
  auto r = tx.one("SELECT COUNT(*) FROM bookings WHERE resource_id = ?", {resource_id});
  return r ? r->i64(0) : 0;
}

void delete_resource(store::Tx& tx, int64_t tenant_id, int64_t id) {
  tx.exec("DELETE FROM resource_special_days WHERE resource_id = ?", {id});
  tx.exec("DELETE FROM reservation_slot_locks WHERE resource_id = ?", {id});
  tx.exec("DELETE FROM waitlist_entries WHERE resource_id = ?", {id});
  delete_resource_lotteries(tx, tenant_id, id);
  tx.exec("DELETE FROM resources WHERE tenant_id = ? AND id = ?", {tenant_id, id});
}

std::vector<std::pair<int64_t, int64_t>> booked_per_slot(store::Tx& tx, int64_t resource_id,
                                                         int64_t from_ms, int64_t to_ms) {
  std::vector<std::pair<int64_t, int64_t>> out;
  tx.each(
      "SELECT slot_start, SUM(party) FROM bookings WHERE resource_id = ? AND status = 'booked' "
      "AND slot_start >= ? AND slot_start < ? GROUP BY slot_start ORDER BY slot_start",
      {resource_id, from_ms, to_ms}, [&](const store::Row& r) {
        out.emplace_back(r.i64(0), r.i64(1));
        return true;
      });
  return out;
}

std::vector<Booking> ledger(store::Tx& tx, int64_t resource_id, int64_t from_ms, int64_t to_ms,
                            std::size_t limit) {
  std::vector<Booking> out;
  tx.each(std::string("SELECT ") + kBookingColumns +
              " FROM bookings WHERE resource_id = ? AND slot_start >= ? AND slot_start < ? "
              "ORDER BY slot_start, id",
          {resource_id, from_ms, to_ms}, [&](const store::Row& r) {
            out.push_back(booking_of(r));
            return out.size() < limit;
          });
  return out;
}

std::optional<Booking> find_booking(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto r = tx.one(
      std::string("SELECT ") + kBookingColumns + " FROM bookings WHERE tenant_id = ? AND id = ?",
      {tenant_id, id});
  if (!r) return std::nullopt;
  return booking_of(*r);
}

std::vector<std::pair<int64_t, int64_t>> next_free(store::Tx& tx, const Resource& r,
                                                   int64_t after_ms, int party, int64_t now_ms,
                                                   std::size_t count) {
  std::vector<std::pair<int64_t, int64_t>> out;
  Date day = jst_date(std::max(after_ms, now_ms));
  Date last{chr::sys_days{jst_date(now_ms)} + chr::days{r.window_days}};
  for (; day <= last && out.size() < count; day = Date{chr::sys_days{day} + chr::days{1}}) {
    auto slots = slots_on(r.calendar, day);
    if (slots.empty()) continue;
    int64_t from = jst_midnight_ms(day), to = from + 24 * 3600 * 1000;
    std::map<int64_t, int64_t> booked;
    for (const auto& [start, sum] : booked_per_slot(tx, r.id, from, to)) booked[start] = sum;
    std::map<int64_t, int64_t> held;
    for (const auto& [start, sum] : held_per_slot(tx, r.id, from, to, now_ms)) held[start] = sum;
    for (int64_t s : slots) {
      if (s <= after_ms || s <= now_ms) continue;
      int64_t remaining = r.capacity - booked[s] - held[s];
      if (remaining >= party) out.emplace_back(s, remaining);
      if (out.size() >= count) break;
    }
  }
  return out;
}

namespace {
// The rules a booking must pass before capacity is looked at; throws ApiError. Returns the
// starts of the slots booked (one, or max_slots consecutive ones).
std::vector<int64_t> check_rules(const Resource& r, const BookingRequest& req, int64_t now_ms) {
  if (r.stopped) throw ApiError(409, "stopped", "この予約の受付は止まっています");
  int party_max = r.terms.party_max > 0 ? std::min(r.terms.party_max, r.capacity) : r.capacity;
  int party_min = std::min(std::max(1, r.terms.party_min), party_max);
  if (req.party < party_min || req.party > party_max)
    throw ApiError::bad_request("人数は " + std::to_string(party_min) + "〜" +
                                    std::to_string(party_max) + " で指定してください",
                                "party");
  if (!req.exemption.empty() && !find_exemption(r.terms.exemptions, req.exemption))
    throw ApiError::bad_request("その減免の区分はこの予約にはありません", "exemption");
  if (req.slots < 1 || req.slots > std::max(1, r.max_slots))
    throw ApiError::bad_request(
        r.max_slots <= 1 ? "この予約は 1 枠ずつです"
                         : "続けて予約できるのは " + std::to_string(r.max_slots) + " 枠までです",
        "slots");
  Date day = jst_date(req.slot_start);
  if (auto why = closed_reason(r.calendar, day))
    throw ApiError(409, "closed", format_date(day) + " は" + *why + "のため予約できません", "slot");
  if (!is_slot(r.calendar, req.slot_start))
    throw ApiError::bad_request("その時刻には枠がありません", "slot");
  auto slots = consecutive_slots(r.calendar, req.slot_start, req.slots);
  if (!slots)
    throw ApiError::bad_request(
        "続けて " + std::to_string(req.slots) + " 枠は取れません（休憩や閉館をまたぎます）",
        "slots");
  // Staff may enter a phone booking for later than residents can book, or closer to the
  // slot than the lead time, never for the past.
  if (req.staff || req.lottery_round_id) {
    if (req.slot_start <= now_ms)
      throw ApiError(400, "out_of_window", "過ぎた時刻は予約できません", "slot");
    return *slots;
  }
  if (auto why = window_refusal(r.window_mode, r.window_days, req.slot_start, now_ms))
    throw ApiError(400, "out_of_window", *why, "slot");
  if (!lead_met(r.book_lead, r.calendar, req.slot_start, now_ms))
    throw ApiError(409, "lead_time",
                   "予約は利用の " + lead_text(r.book_lead) + "までです。窓口へご相談ください",
                   "slot");
  return *slots;
}

// Bookings (a multi-slot booking once) of a resident of this resource in [from, to).
int64_t resident_bookings(store::Tx& tx, int64_t resident_id, int64_t resource_id, int64_t from,
                          int64_t to) {
  auto n = tx.one(
      "SELECT COUNT(DISTINCT COALESCE(group_id, id)) FROM bookings WHERE resident_id = ? AND "
      "resource_id = ? AND status = 'booked' AND slot_start >= ? AND slot_start < ?",
      {resident_id, resource_id, from, to});
  return n ? n->i64(0) : 0;
}

void check_limits(store::Tx& tx, const Resource& r, const BookingRequest& req) {
  if (!req.resident_id || (r.daily_limit <= 0 && r.period_limit <= 0)) return;
  // The resident's own row serialises their bookings of other slots.
  tx.one(std::string("SELECT id FROM residents WHERE id = ?") + store::for_update(tx),
         {*req.resident_id});
  Date day = jst_date(req.slot_start);
  if (r.daily_limit > 0) {
    int64_t from = jst_midnight_ms(day);
    if (resident_bookings(tx, *req.resident_id, r.id, from, from + 24 * 3600 * 1000) >=
        r.daily_limit)
      throw ApiError(409, "daily_limit",
                     "この予約は 1 日 " + std::to_string(r.daily_limit) + " 件までです", "slot");
  }
  if (r.period_limit > 0) {
    auto [from, to] = period_range(r.period_unit, day);
    if (resident_bookings(tx, *req.resident_id, r.id, from, to) >= r.period_limit)
      throw ApiError(409, "period_limit",
                     "この予約は " + period_text(r.period_unit) + "に " +
                         std::to_string(r.period_limit) + " 件までです",
                     "slot");
  }
}

// The live offer being accepted, or throws 409 offer_gone.
void check_offer(store::Tx& tx, const BookingRequest& req, int64_t now_ms) {
  auto e = find_entry(tx, req.tenant_id, *req.waitlist_entry_id);
  if (!e || e->resident_id != req.resident_id || e->resource_id != req.resource_id ||
      e->slot_start != req.slot_start || e->status != "offered" || !e->expires_at ||
      *e->expires_at <= now_ms)
    throw ApiError(409, "offer_gone", "キャンセル待ちのご案内は期限が切れたか、取り消されました");
}

// What the capacity check of one slot needs, in one statement (a booking's transaction
// asks it once per slot): the places taken (booked rows plus places held by live waitlist
// offers, except the offer being accepted) and whether a lottery round other than `round`
// holds the slot.
struct SlotState {
  int64_t taken = 0;
  bool lottery = false;
};
constexpr const char* kTakenSql =
    "(SELECT COALESCE(SUM(party), 0) FROM bookings WHERE resource_id = ? AND slot_start = ? AND "
    "status = 'booked') + (SELECT COALESCE(SUM(party), 0) FROM waitlist_entries WHERE "
    "resource_id = ? AND slot_start = ? AND status = 'offered' AND expires_at > ? AND id <> ?)";
SlotState slot_state(store::Tx& tx, int64_t tenant_id, int64_t resource_id, int64_t slot_start,
                     int64_t now_ms, std::optional<int64_t> except_entry,
                     std::optional<int64_t> round) {
  auto row = tx.one(
      std::string("SELECT ") + kTakenSql +
          ", EXISTS (SELECT 1 FROM lottery_round_slots ls JOIN lottery_rounds lr ON lr.id = "
          "ls.round_id WHERE ls.tenant_id = ? AND ls.resource_id = ? AND ls.slot_start = ? AND "
          "lr.status IN ('open', 'drawn') AND lr.id <> ?)",
      {resource_id, slot_start, resource_id, slot_start, now_ms, except_entry.value_or(0),
       tenant_id, resource_id, slot_start, round.value_or(0)});
  return row ? SlotState{row->i64(0), row->i64(1) != 0} : SlotState{};
}

// A resident's own booking must fit the resource's eligibility; staff book for anyone (they
// check papers at the counter). Evaluated by the residents' condition compiler against the
// resident's attributes as they are now, in the booking's transaction.
void check_eligibility(store::Tx& tx, const Resource& r, const BookingRequest& req) {
  if (req.staff || !req.resident_id || r.terms.eligibility == Eligibility::everyone) return;
  Json condition;
  std::string who;
  switch (r.terms.eligibility) {
    case Eligibility::everyone:
      return;
    case Eligibility::residents:
      condition = residents_condition();
      who = "市内（町内・村内）にお住まいの方";
      break;
    case Eligibility::segment: {
      auto seg = r.terms.eligibility_segment_id
                     ? residents::find_segment(tx, req.tenant_id, *r.terms.eligibility_segment_id)
                     : std::nullopt;
      if (!seg)
        throw ApiError(403, "not_eligible",
                       "この予約の利用条件が確認できないため受け付けられません。窓口へお問い合わせ"
                       "ください");
      condition = seg->condition;
      who = "「" + seg->name + "」に当てはまる方";
      break;
    }
  }
  bool ok = false;
  try {
    residents::CompileOptions options;
    options.include_blocked = true;  // blocking the LINE account does not change who one is
    auto compiled = residents::compile_condition(
        condition, residents::load_definitions(tx, req.tenant_id), req.tenant_id, options);
    ok = residents::resident_matches(tx, req.tenant_id, *req.resident_id, compiled);
  } catch (const ApiError&) {
    ok = false;  // a condition that no longer compiles (an attribute removed) admits nobody
  }
  if (!ok)
    throw ApiError(
        403, "not_eligible",
        "この予約は" + who + "だけが利用できます。ご不明な点は窓口へお問い合わせください");
}

}  // namespace

void require_eligible(store::Tx& tx, const Resource& r, int64_t resident_id) {
  BookingRequest req;
  req.tenant_id = r.tenant_id;
  req.resource_id = r.id;
  req.resident_id = resident_id;
  check_eligibility(tx, r, req);
}

std::optional<Booking> book_in(store::Tx& tx, const BookingRequest& req, int64_t now_ms) {
  auto r = find_resource(tx, req.tenant_id, req.resource_id);
  if (!r) throw ApiError::not_found("予約の対象が見つかりません");
  auto slots = check_rules(*r, req, now_ms);
  // Serialise the bookers of these slots, in time order so two multi-slot bookers
  // cannot wait for each other.
  for (int64_t s : slots) lock_slot(tx, r->id, s);
  // Read once each, under the locks: only bookers and cancellers of these slots change them,
  // and both queue for the locks (the single writer on SQLite).
  std::vector<SlotState> states;
  states.reserve(slots.size());
  for (int64_t s : slots)
    states.push_back(slot_state(tx, req.tenant_id, r->id, s, now_ms, req.waitlist_entry_id,
                                req.lottery_round_id));
  // A slot in a lottery round is not first-come (residents or staff) until it is published.
  if (std::any_of(states.begin(), states.end(), [](const SlotState& st) { return st.lottery; }))
    throw ApiError(409, "lottery", "この枠は抽選の対象です。抽選の結果の公開後に予約できます",
                   "slot");
  if (req.waitlist_entry_id) check_offer(tx, req, now_ms);
  check_eligibility(tx, *r, req);
  check_limits(tx, *r, req);
  // Every slot must have room for the party.
  if (std::any_of(states.begin(), states.end(),
                  [&](const SlotState& st) { return st.taken + req.party > r->capacity; })) {
    if (req.waitlist_entry_id)  // cannot happen while the offer holds its place
      throw ApiError(409, "offer_gone", "キャンセル待ちの枠はもうありません");
    return std::nullopt;
  }
  Booking b;
  b.resource_id = r->id;
  b.slot_start = req.slot_start;
  b.party = req.party;
  b.resident_id = req.resident_id;
  if (req.staff) b.staff_id = req.staff->staff_id;
  b.status = "booked";
  b.note = req.note;
  b.created_at = b.updated_at = now_ms;
  b.contact_name = req.contact_name;
  b.contact_phone = req.contact_phone;
  b.slots = static_cast<int>(slots.size());
  // The first row carries the booking's check-in code (its QR code) and smart-lock PIN.
  b.checkin_token = new_checkin_code();
  if (r->pin_enabled) b.pin = new_pin();
  auto exemption = find_exemption(r->terms.exemptions, req.exemption);
  if (exemption) {
    b.exemption = exemption->code;
    b.exemption_label = exemption->label;
  }
  b.fee = fee_for(b.slots, r->terms.fee_per_slot, exemption ? exemption->rate_percent : 0);
  for (std::size_t i = 0; i < slots.size(); ++i) {
    int64_t id = tx.insert_id(
        "INSERT INTO bookings(tenant_id, resource_id, slot_start, party, resident_id, "
        "staff_id, status, note, reason, created_at, updated_at, group_id, contact_name, "
        "contact_phone, pin, checkin_token, fee, exemption, exemption_label) VALUES (?, ?, ?, ?, "
        "?, ?, 'booked', ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {req.tenant_id, r->id, slots[i], int64_t{req.party}, store::opt(req.resident_id),
         store::opt(b.staff_id), req.note, now_ms, now_ms, store::opt(b.group_id), req.contact_name,
         req.contact_phone, i == 0 ? b.pin : std::string(),
         i == 0 ? store::Value(b.checkin_token) : store::Value(), i == 0 ? b.fee : int64_t{0},
         b.exemption, b.exemption_label});
    if (i == 0) {
      b.id = id;
      if (slots.size() > 1) {
        b.group_id = id;
        tx.exec("UPDATE bookings SET group_id = ? WHERE id = ?", {id, id});
      }
    }
  }
  // Under the slot's lock the offer was live; the status guard keeps it taken once.
  if (req.waitlist_entry_id &&
      tx.exec("UPDATE waitlist_entries SET status = 'booked', booking_id = ?, updated_at = ? "
              "WHERE id = ? AND status = 'offered'",
              {b.id, now_ms, *req.waitlist_entry_id}) != 1)
    throw ApiError(409, "offer_gone", "キャンセル待ちのご案内は期限が切れたか、取り消されました");
  if (req.staff)
    auth::audit(tx, *req.staff, "booking.create", "booking", std::to_string(b.id),
                {{"resource_id", r->id},
                 {"slot", format_slot(req.slot_start)},
                 {"party", req.party},
                 {"slots", b.slots},
                 {"fee", b.fee},
                 {"exemption", b.exemption}});
  // The resident's confirmation (or change message) goes out once, after this commits.
  if (req.resident_id && !req.notice.empty())
    enqueue_notice(tx, req.tenant_id, b.id, req.notice, req.notice_reason);
  return b;
}

Booking book(store::Db& db, const BookingRequest& req, int64_t now_ms) {
  // A full slot is an answer, not a failure: the transaction ends (rolled back) first, then
  // the alternatives are read, so the lock is held no longer than the check needs.
  std::optional<Resource> full_resource;
  // In a rush most bookers ask for slots already gone. A read snapshot that shows the slot
  // full is a true answer (places come back only by cancellation or an expired offer), given
  // without queueing for the writer; a slot with room is decided below, under the lock.
  if (!req.waitlist_entry_id)
    full_resource = db.read([&](store::Tx& tx) -> std::optional<Resource> {
      // Only capacity and slot length first: a slot with room goes straight to the write
      // transaction, which loads the whole resource and checks every rule there.
      // The first slot's places come with them, in the same statement.
      auto head = tx.one(std::string("SELECT capacity, slot_minutes, ") + kTakenSql +
                             " FROM resources WHERE tenant_id = ? AND id = ?",
                         {req.resource_id, req.slot_start, req.resource_id, req.slot_start, now_ms,
                          int64_t{0}, req.tenant_id, req.resource_id});
      if (!head) throw ApiError::not_found("予約の対象が見つかりません");
      int64_t capacity = head->i64(0), step = head->i64(1) * 60000;
      bool full = head->i64(2) + req.party > capacity;
      for (int i = 1; i < std::max(1, req.slots) && !full; ++i)
        full = slot_state(tx, req.tenant_id, req.resource_id, req.slot_start + step * i, now_ms,
                          std::nullopt, std::nullopt)
                       .taken +
                   req.party >
               capacity;
      if (!full) return std::nullopt;
      // Full: a broken rule is still the answer before "full" (and the alternatives need the
      // calendar).
      auto r = find_resource(tx, req.tenant_id, req.resource_id);
      if (!r) throw ApiError::not_found("予約の対象が見つかりません");
      check_rules(*r, req, now_ms);
      check_eligibility(tx, *r, req);
      return r;
    });
  std::optional<Booking> booked;
  if (!full_resource)
    // Grouped: in a rush, concurrent bookings share one commit (store/db.h, write_grouped).
    booked = db.write_grouped([&](store::Tx& tx) -> std::optional<Booking> {
      auto b = book_in(tx, req, now_ms);
      if (!b) full_resource = find_resource(tx, req.tenant_id, req.resource_id);
      return b;
    });
  if (booked) return *booked;
  auto alternatives = db.read([&](store::Tx& tx) {
    return next_free(tx, *full_resource, req.slot_start, req.party, now_ms, 3);
  });
  throw ApiError(409, "slot_full",
                 "申し訳ありません。その枠は埋まりました。ほかの枠をお選びください", "slot")
      .with_details({{"next_free", slots_json(alternatives)}});
}

Booking cancel(store::Db& db, int64_t tenant_id, int64_t booking_id,
               std::optional<int64_t> resident_id, const std::optional<auth::Principal>& staff,
               const std::string& reason, int64_t now_ms) {
  return db.write([&](store::Tx& tx) {
    return cancel_in(tx, tenant_id, booking_id, resident_id, staff, reason, now_ms);
  });
}

Booking cancel_in(store::Tx& tx, int64_t tenant_id, int64_t booking_id,
                  std::optional<int64_t> resident_id, const std::optional<auth::Principal>& staff,
                  const std::string& reason, int64_t now_ms) {
  {
    auto b = find_booking(tx, tenant_id, booking_id);
    if (!b || (resident_id && b->resident_id != resident_id))
      throw ApiError::not_found("予約が見つかりません");
    if (b->status != "booked")
      throw ApiError(409, "already_cancelled", "この予約は取り消し済みです");
    auto r = find_resource(tx, tenant_id, b->resource_id);
    // A multi-slot booking is cancelled whole, from the first of its slots.
    std::vector<int64_t> slots;
    tx.each("SELECT slot_start FROM bookings WHERE tenant_id = ? AND status = 'booked' AND " +
                std::string(b->group_id ? "group_id = ?" : "id = ?") + " ORDER BY slot_start",
            {tenant_id, b->group_id.value_or(b->id)}, [&](const store::Row& row) {
              slots.push_back(row.i64(0));
              return true;
            });
    int64_t first = slots.empty() ? b->slot_start : slots.front();
    if (!staff && first <= now_ms)
      throw ApiError(409, "started", "始まった予約は取り消せません。窓口へご連絡ください");
    if (!staff && r && !lead_met(r->cancel_lead, r->calendar, first, now_ms))
      throw ApiError(
          409, "cancel_deadline",
          "取り消しは利用の " + lead_text(r->cancel_lead) + "までです。窓口へご連絡ください");
    tx.exec(
        "UPDATE bookings SET status = 'cancelled', reason = ?, updated_at = ? WHERE tenant_id = ? "
        "AND status = 'booked' AND " +
            std::string(b->group_id ? "group_id = ?" : "id = ?"),
        {reason, now_ms, tenant_id, b->group_id.value_or(b->id)});
    if (staff)
      auth::audit(tx, *staff, "booking.cancel", "booking", std::to_string(b->id),
                  {{"resource_id", b->resource_id}, {"reason", reason}});
    // Staff cancelling a resident's booking tells them why.
    if (staff && b->resident_id) enqueue_notice(tx, tenant_id, b->id, "cancel", reason);
    // The places come back to the waitlist first, in this transaction.
    if (r)
      for (int64_t s : slots) offer_freed(tx, *r, s, now_ms);
    b->status = "cancelled";
    b->reason = reason;
    b->updated_at = now_ms;
    b->slots = std::max<int>(1, static_cast<int>(slots.size()));
    return *b;
  }
}

Booking change(store::Db& db, int64_t tenant_id, int64_t booking_id, int64_t new_slot_start,
               std::optional<int64_t> resident_id, const std::optional<auth::Principal>& staff,
               const std::string& reason, int64_t now_ms) {
  struct SlotTaken {};
  std::optional<Booking> moved;
  try {
    moved = db.write([&](store::Tx& tx) -> std::optional<Booking> {
      auto n =
          change_in(tx, tenant_id, booking_id, new_slot_start, resident_id, staff, reason, now_ms);
      if (!n) throw SlotTaken{};  // rolls back the old booking's cancellation: nothing changed
      return n;
    });
  } catch (const SlotTaken&) {
    auto alternatives = db.read([&](store::Tx& tx) {
      auto b = find_booking(tx, tenant_id, booking_id);
      auto r = b ? find_resource(tx, tenant_id, b->resource_id) : std::nullopt;
      if (!r) return std::vector<std::pair<int64_t, int64_t>>{};
      return next_free(tx, *r, new_slot_start, b->party, now_ms, 3);
    });
    throw ApiError(409, "slot_full",
                   "申し訳ありません。その枠は埋まっています。ほかの枠をお選びください", "slot")
        .with_details({{"next_free", slots_json(alternatives)}});
  }
  return *moved;
}

std::optional<Booking> change_in(store::Tx& tx, int64_t tenant_id, int64_t booking_id,
                                 int64_t new_slot_start, std::optional<int64_t> resident_id,
                                 const std::optional<auth::Principal>& staff,
                                 const std::string& reason, int64_t now_ms) {
  auto b = find_booking(tx, tenant_id, booking_id);
  if (!b || (resident_id && b->resident_id != resident_id))
    throw ApiError::not_found("予約が見つかりません");
  if (b->status != "booked") throw ApiError(409, "already_cancelled", "この予約は取り消し済みです");
  auto r = find_resource(tx, tenant_id, b->resource_id);
  if (!r) throw ApiError::not_found("予約の対象が見つかりません");
  std::vector<int64_t> old_slots;
  tx.each("SELECT slot_start FROM bookings WHERE tenant_id = ? AND status = 'booked' AND " +
              std::string(b->group_id ? "group_id = ?" : "id = ?") + " ORDER BY slot_start",
          {tenant_id, b->group_id.value_or(b->id)}, [&](const store::Row& row) {
            old_slots.push_back(row.i64(0));
            return true;
          });
  if (old_slots.empty()) old_slots.push_back(b->slot_start);
  int64_t first = old_slots.front();
  if (new_slot_start == first)
    throw ApiError::bad_request("今と同じ枠です。別の枠を選んでください", "slot");
  if (!staff && first <= now_ms)
    throw ApiError(409, "started", "始まった予約は変更できません。窓口へご連絡ください");
  if (!staff && !lead_met(r->cancel_lead, r->calendar, first, now_ms))
    throw ApiError(409, "change_deadline",
                   "変更は利用の " + lead_text(r->cancel_lead) + "までです。窓口へご連絡ください");
  // Every slot this change touches, old and new, locked in one order (time), so two
  // changes crossing each other's slots queue instead of deadlocking.
  std::vector<int64_t> touched = old_slots;
  auto new_slots =
      consecutive_slots(r->calendar, new_slot_start, static_cast<int>(old_slots.size()));
  if (new_slots) touched.insert(touched.end(), new_slots->begin(), new_slots->end());
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (int64_t s : touched) lock_slot(tx, r->id, s);
  // The old booking steps aside first, so its own places and the resident's limits do not
  // count against the new slot; if the new slot cannot be booked the whole change rolls back.
  std::string why = reason.empty() ? "予約の変更" : reason;
  tx.exec(
      "UPDATE bookings SET status = 'cancelled', reason = ?, updated_at = ? WHERE tenant_id = "
      "? "
      "AND status = 'booked' AND " +
          std::string(b->group_id ? "group_id = ?" : "id = ?"),
      {why, now_ms, tenant_id, b->group_id.value_or(b->id)});
  BookingRequest req;
  req.tenant_id = tenant_id;
  req.resource_id = r->id;
  req.slot_start = new_slot_start;
  req.party = b->party;
  req.resident_id = b->resident_id;
  req.staff = staff;
  req.note = b->note;
  req.slots = static_cast<int>(old_slots.size());
  req.contact_name = b->contact_name;
  req.contact_phone = b->contact_phone;
  req.notice = "change";
  req.notice_reason = staff ? reason : "";
  req.changed_from = b->id;
  // The exemption moves with the booking while the resource still offers it; one withdrawn
  // since is charged by the resource's fee as it is now.
  if (find_exemption(r->terms.exemptions, b->exemption)) req.exemption = b->exemption;
  auto n = book_in(tx, req, now_ms);
  if (!n) return std::nullopt;  // the caller rolls back the old booking's cancellation
  // A resident's booking stays theirs (book_in marked it as entered by the staff member).
  tx.exec("UPDATE bookings SET staff_id = ? WHERE tenant_id = ? AND (id = ? OR group_id = ?)",
          {store::opt(b->staff_id), tenant_id, n->id, n->id});
  n->staff_id = b->staff_id;
  tx.exec("UPDATE bookings SET changed_to = ? WHERE tenant_id = ? AND " +
              std::string(b->group_id ? "group_id = ?" : "id = ?"),
          {n->id, tenant_id, b->group_id.value_or(b->id)});
  if (staff)
    auth::audit(tx, *staff, "booking.change", "booking", std::to_string(b->id),
                {{"resource_id", r->id},
                 {"from", format_slot(first)},
                 {"to", format_slot(new_slot_start)},
                 {"new_booking_id", n->id},
                 {"reason", reason}});
  for (int64_t s : old_slots) offer_freed(tx, *r, s, now_ms);
  return n;
}

std::vector<UpcomingBooking> upcoming_bookings(store::Tx& tx, int64_t tenant_id,
                                               int64_t resident_id, int64_t now_ms,
                                               std::size_t limit) {
  std::vector<UpcomingBooking> out;
  // The first row of each booking (a multi-slot booking's group is its first row's id).
  tx.each(std::string("SELECT ") + kBookingColumns +
              ", (SELECT name FROM resources r WHERE r.id = bookings.resource_id), "
              "(SELECT slot_minutes FROM resources r WHERE r.id = bookings.resource_id), "
              "(SELECT COUNT(*) FROM bookings g WHERE g.tenant_id = bookings.tenant_id AND "
              "g.group_id = bookings.id AND g.status = 'booked') FROM bookings WHERE tenant_id = "
              "? AND resident_id = ? AND status = 'booked' AND slot_start > ? AND (group_id IS "
              "NULL OR group_id = id) ORDER BY slot_start, id LIMIT ?",
          {tenant_id, resident_id, now_ms, static_cast<int64_t>(limit)},
          [&](const store::Row& row) {
            UpcomingBooking u;
            u.booking = booking_of(row);
            u.resource_name = row.str(22);
            u.booking.slots = static_cast<int>(std::max<int64_t>(1, row.i64(24)));
            u.end_ms = u.booking.slot_start + u.booking.slots * row.i64(23) * 60000;
            out.push_back(std::move(u));
            return true;
          });
  return out;
}

std::vector<std::pair<int64_t, int64_t>> move_choices(store::Tx& tx, const Resource& r,
                                                      const Booking& b, std::optional<Date> day,
                                                      int64_t now_ms, std::size_t count) {
  std::vector<std::pair<int64_t, int64_t>> out;
  int64_t after = day ? jst_midnight_ms(*day) - 1 : now_ms;
  // next_free knows capacity and waitlist holds; the booking's own rules narrow it further.
  for (const auto& c : next_free(tx, r, after, b.party, now_ms, 96)) {
    if (out.size() >= count) break;
    if (day && jst_date(c.first) != *day) break;
    if (c.first == b.slot_start || !lead_met(r.book_lead, r.calendar, c.first, now_ms) ||
        window_refusal(r.window_mode, r.window_days, c.first, now_ms))
      continue;
    out.push_back(c);
  }
  return out;
}

}  // namespace mg::reservations
