#include "reservations/ledger.h"

#include <algorithm>
#include <map>

#include "auth/service.h"
#include "core/errors.h"
#include "core/json_parse.h"

namespace mg::reservations {

namespace chr = std::chrono;

namespace {

constexpr const char* kResourceColumns =
    "id, tenant_id, category_id, name, description, slot_minutes, capacity, opening_hours, "
    "closed_on_holidays, window_days, daily_limit, stopped";

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
  return b;
}

constexpr const char* kBookingColumns =
    "id, resource_id, slot_start, party, resident_id, staff_id, status, note, reason, "
    "created_at, updated_at";

void write_special_days(store::Tx& tx, const Resource& r) {
  tx.exec("DELETE FROM resource_special_days WHERE resource_id = ?", {r.id});
  for (const auto& s : r.calendar.special)
    tx.exec(
        "INSERT INTO resource_special_days(tenant_id, resource_id, day, closed, hours, note) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        {r.tenant_id, r.id, day_number(s.date), int64_t{s.closed ? 1 : 0},
         intervals_json(s.hours).dump(), s.note});
}

int64_t booked_party(store::Tx& tx, int64_t resource_id, int64_t slot_start) {
  auto row = tx.one(
      "SELECT COALESCE(SUM(party), 0) FROM bookings WHERE resource_id = ? AND slot_start = ? "
      "AND status = 'booked'",
      {resource_id, slot_start});
  return row ? row->i64(0) : 0;
}

Json slots_json(const std::vector<std::pair<int64_t, int64_t>>& slots) {
  Json out = Json::array();
  for (const auto& [start, remaining] : slots)
    out.push_back({{"start", format_slot(start)}, {"remaining", remaining}});
  return out;
}

}  // namespace

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
  write_special_days(tx, r);
}

int64_t booking_count(store::Tx& tx, int64_t resource_id) {
  auto r = tx.one("SELECT COUNT(*) FROM bookings WHERE resource_id = ?", {resource_id});
  return r ? r->i64(0) : 0;
}

void delete_resource(store::Tx& tx, int64_t tenant_id, int64_t id) {
  tx.exec("DELETE FROM resource_special_days WHERE resource_id = ?", {id});
  tx.exec("DELETE FROM reservation_slot_locks WHERE resource_id = ?", {id});
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
    for (int64_t s : slots) {
      if (s <= after_ms || s <= now_ms) continue;
      int64_t remaining = r.capacity - booked[s];
      if (remaining >= party) out.emplace_back(s, remaining);
      if (out.size() >= count) break;
    }
  }
  return out;
}

namespace {
// The rules a booking must pass before capacity is looked at; throws ApiError.
void check_rules(const Resource& r, const BookingRequest& req, int64_t now_ms) {
  if (r.stopped) throw ApiError(409, "stopped", "この予約の受付は止まっています");
  if (req.party < 1 || req.party > r.capacity)
    throw ApiError::bad_request("人数は 1〜" + std::to_string(r.capacity) + " で指定してください",
                                "party");
  Date day = jst_date(req.slot_start);
  if (auto why = closed_reason(r.calendar, day))
    throw ApiError(409, "closed", format_date(day) + " は" + *why + "のため予約できません", "slot");
  if (!is_slot(r.calendar, req.slot_start))
    throw ApiError::bad_request("その時刻には枠がありません", "slot");
  // Staff may enter a phone booking for later than residents can book, never for the past.
  bool window_ok =
      req.staff ? req.slot_start > now_ms : in_window(req.slot_start, now_ms, r.window_days);
  if (!window_ok)
    throw ApiError(400, "out_of_window",
                   req.slot_start <= now_ms
                       ? "過ぎた時刻は予約できません"
                       : std::to_string(r.window_days) + " 日先までしか予約できません",
                   "slot");
}
}  // namespace

std::optional<Booking> book_in(store::Tx& tx, const BookingRequest& req, int64_t now_ms) {
  auto r = find_resource(tx, req.tenant_id, req.resource_id);
  if (!r) throw ApiError::not_found("予約の対象が見つかりません");
  check_rules(*r, req, now_ms);
  Date day = jst_date(req.slot_start);
  // Serialise the bookers of this slot. ON CONFLICT DO NOTHING waits only for an insert
  // of the same key still in flight; FOR UPDATE then queues the bookers one by one, and
  // READ COMMITTED lets each see the rows the previous one committed. Nothing is locked on
  // SQLite: BEGIN IMMEDIATE already made this transaction the only writer.
  tx.exec(
      "INSERT INTO reservation_slot_locks(resource_id, slot_start) VALUES (?, ?) "
      "ON CONFLICT DO NOTHING",
      {r->id, req.slot_start});
  tx.one(std::string("SELECT slot_start FROM reservation_slot_locks WHERE resource_id = ? "
                     "AND slot_start = ?") +
             store::for_update(tx),
         {r->id, req.slot_start});
  if (req.resident_id && r->daily_limit > 0) {
    // The resident's own row serialises their bookings of other slots of the same day.
    tx.one(std::string("SELECT id FROM residents WHERE id = ?") + store::for_update(tx),
           {*req.resident_id});
    int64_t from = jst_midnight_ms(day);
    auto n = tx.one(
        "SELECT COUNT(*) FROM bookings WHERE resident_id = ? AND resource_id = ? AND status = "
        "'booked' AND slot_start >= ? AND slot_start < ?",
        {*req.resident_id, r->id, from, from + 24 * 3600 * 1000});
    if (n && n->i64(0) >= r->daily_limit)
      throw ApiError(409, "daily_limit",
                     "この予約は 1 日 " + std::to_string(r->daily_limit) + " 件までです", "slot");
  }
  if (booked_party(tx, r->id, req.slot_start) + req.party > r->capacity) return std::nullopt;
  Booking b;
  b.resource_id = r->id;
  b.slot_start = req.slot_start;
  b.party = req.party;
  b.resident_id = req.resident_id;
  if (req.staff) b.staff_id = req.staff->staff_id;
  b.status = "booked";
  b.note = req.note;
  b.created_at = b.updated_at = now_ms;
  b.id = tx.insert_id(
      "INSERT INTO bookings(tenant_id, resource_id, slot_start, party, resident_id, staff_id, "
      "status, note, reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'booked', ?, "
      "'', ?, ?) RETURNING id",
      {req.tenant_id, r->id, req.slot_start, int64_t{req.party}, store::opt(req.resident_id),
       store::opt(b.staff_id), req.note, now_ms, now_ms});
  if (req.staff)
    auth::audit(
        tx, *req.staff, "booking.create", "booking", std::to_string(b.id),
        {{"resource_id", r->id}, {"slot", format_slot(req.slot_start)}, {"party", req.party}});
  return b;
}

Booking book(store::Db& db, const BookingRequest& req, int64_t now_ms) {
  // A full slot is an answer, not a failure: the transaction ends (rolled back) first, then
  // the alternatives are read, so the lock is held no longer than the check needs.
  std::optional<Resource> full_resource;
  // In a rush most bookers ask for slots already gone. A read snapshot that shows the slot
  // full is a true answer (places come back only by cancellation), given without queueing
  // for the writer; a slot with room is decided below, under the lock.
  full_resource = db.read([&](store::Tx& tx) -> std::optional<Resource> {
    auto r = find_resource(tx, req.tenant_id, req.resource_id);
    if (!r) throw ApiError::not_found("予約の対象が見つかりません");
    check_rules(*r, req, now_ms);
    if (booked_party(tx, r->id, req.slot_start) + req.party > r->capacity) return r;
    return std::nullopt;
  });
  std::optional<Booking> booked;
  if (!full_resource)
    booked = db.write([&](store::Tx& tx) -> std::optional<Booking> {
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
    auto b = find_booking(tx, tenant_id, booking_id);
    if (!b || (resident_id && b->resident_id != resident_id))
      throw ApiError::not_found("予約が見つかりません");
    if (b->status != "booked")
      throw ApiError(409, "already_cancelled", "この予約は取り消し済みです");
    if (!staff && b->slot_start <= now_ms)
      throw ApiError(409, "started", "始まった予約は取り消せません。窓口へご連絡ください");
    tx.exec(
        "UPDATE bookings SET status = 'cancelled', reason = ?, updated_at = ? WHERE id = ? AND "
        "tenant_id = ?",
        {reason, now_ms, b->id, tenant_id});
    if (staff)
      auth::audit(tx, *staff, "booking.cancel", "booking", std::to_string(b->id),
                  {{"resource_id", b->resource_id}, {"reason", reason}});
    b->status = "cancelled";
    b->reason = reason;
    b->updated_at = now_ms;
    return *b;
  });
}

}  // namespace mg::reservations
