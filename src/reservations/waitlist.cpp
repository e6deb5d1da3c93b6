#include "reservations/waitlist.h"

#include <set>

#include "core/clock.h"
#include "core/errors.h"
#include "core/log.h"
#include "reservations/lottery.h"
#include "reservations/notices.h"

namespace mg::reservations {

namespace {

constexpr const char* kEntryColumns =
    "id, tenant_id, resource_id, slot_start, party, resident_id, status, offered_at, expires_at, "
    "booking_id, created_at";

WaitlistEntry entry_of(const store::Row& r) {
  WaitlistEntry e;
  e.id = r.i64(0);
  e.tenant_id = r.i64(1);
  e.resource_id = r.i64(2);
  e.slot_start = r.i64(3);
  e.party = static_cast<int>(r.i64(4));
  e.resident_id = r.i64(5);
  e.status = r.str(6);
  e.offered_at = r.opt_i64(7);
  e.expires_at = r.opt_i64(8);
  e.booking_id = r.opt_i64(9);
  e.created_at = r.i64(10);
  return e;
}

std::vector<WaitlistEntry> entries(store::Tx& tx, const std::string& where,
                                   const store::Params& params, std::size_t limit) {
  std::vector<WaitlistEntry> out;
  tx.each(std::string("SELECT ") + kEntryColumns + " FROM waitlist_entries WHERE " + where, params,
          [&](const store::Row& r) {
            out.push_back(entry_of(r));
            return out.size() < limit;
          });
  return out;
}

}  // namespace

int64_t held_party(store::Tx& tx, int64_t resource_id, int64_t slot_start, int64_t now_ms,
                   std::optional<int64_t> except_entry) {
  auto row = tx.one(
      "SELECT COALESCE(SUM(party), 0) FROM waitlist_entries WHERE resource_id = ? AND "
      "slot_start = ? AND status = 'offered' AND expires_at > ? AND id <> ?",
      {resource_id, slot_start, now_ms, except_entry.value_or(0)});
  return row ? row->i64(0) : 0;
}

std::vector<std::pair<int64_t, int64_t>> held_per_slot(store::Tx& tx, int64_t resource_id,
                                                       int64_t from_ms, int64_t to_ms,
                                                       int64_t now_ms) {
  std::vector<std::pair<int64_t, int64_t>> out;
  tx.each(
      "SELECT slot_start, SUM(party) FROM waitlist_entries WHERE resource_id = ? AND status = "
      "'offered' AND expires_at > ? AND slot_start >= ? AND slot_start < ? GROUP BY slot_start",
      {resource_id, now_ms, from_ms, to_ms}, [&](const store::Row& r) {
        out.emplace_back(r.i64(0), r.i64(1));
        return true;
      });
  return out;
}

std::vector<int64_t> offer_freed(store::Tx& tx, const Resource& r, int64_t slot_start,
                                 int64_t now_ms) {
  std::vector<int64_t> offered;
  // A slot that began is past offering; a resource without a waitlist keeps none.
  if (r.waitlist_hold_minutes <= 0 || slot_start <= now_ms) return offered;
  lock_slot(tx, r.id, slot_start);
  int64_t free =
      r.capacity - booked_party(tx, r.id, slot_start) - held_party(tx, r.id, slot_start, now_ms);
  if (free <= 0) return offered;
  // The offer ends at the hold time, or when the slot starts if that is sooner.
  int64_t expires = std::min(now_ms + int64_t{r.waitlist_hold_minutes} * 60000, slot_start);
  for (const auto& e : entries(tx,
                               "resource_id = ? AND slot_start = ? AND status = 'waiting' "
                               "ORDER BY id",
                               {r.id, slot_start}, 1000)) {
    if (free <= 0) break;
    if (e.party > free) continue;  // a smaller party further back may fit; this one waits
    tx.exec(
        "UPDATE waitlist_entries SET status = 'offered', offered_at = ?, expires_at = ?, "
        "updated_at = ? WHERE id = ?",
        {now_ms, expires, now_ms, e.id});
    free -= e.party;
    offered.push_back(e.id);
    jobs::EnqueueOptions tell;
    tell.tenant_id = r.tenant_id;
    jobs::enqueue(tx, "reservations.waitlist_offer", {{"entry_id", e.id}}, tell);
    jobs::EnqueueOptions expire;
    expire.tenant_id = r.tenant_id;
    expire.run_at_ms = expires;
    jobs::enqueue(tx, "reservations.waitlist_expire", {{"entry_id", e.id}}, expire);
  }
  return offered;
}

std::optional<WaitlistEntry> find_entry(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto v = entries(tx, "tenant_id = ? AND id = ?", {tenant_id, id}, 1);
  if (v.empty()) return std::nullopt;
  return v.front();
}

std::vector<WaitlistEntry> resident_entries(store::Tx& tx, int64_t tenant_id, int64_t resident_id) {
  return entries(tx, "tenant_id = ? AND resident_id = ? ORDER BY slot_start DESC, id DESC",
                 {tenant_id, resident_id}, 200);
}

std::vector<WaitlistEntry> resource_entries(store::Tx& tx, int64_t resource_id, int64_t from_ms,
                                            int64_t to_ms, std::size_t limit) {
  return entries(tx,
                 "resource_id = ? AND slot_start >= ? AND slot_start < ? ORDER BY slot_start, id",
                 {resource_id, from_ms, to_ms}, limit);
}

int64_t position(store::Tx& tx, const WaitlistEntry& e) {
  if (e.status != "waiting") return 0;
  auto n = tx.one(
      "SELECT COUNT(*) FROM waitlist_entries WHERE resource_id = ? AND slot_start = ? AND "
      "status = 'waiting' AND id < ?",
      {e.resource_id, e.slot_start, e.id});
  return (n ? n->i64(0) : 0) + 1;
}

WaitlistEntry join(store::Db& db, int64_t tenant_id, int64_t resource_id, int64_t slot_start,
                   int party, int64_t resident_id, int64_t now_ms) {
  return db.write([&](store::Tx& tx) {
    auto r = find_resource(tx, tenant_id, resource_id);
    if (!r) throw ApiError::not_found("予約の対象が見つかりません");
    if (r->waitlist_hold_minutes <= 0)
      throw ApiError(409, "no_waitlist", "この予約にはキャンセル待ちがありません");
    if (r->stopped) throw ApiError(409, "stopped", "この予約の受付は止まっています");
    if (party < 1 || party > r->capacity)
      throw ApiError::bad_request(
          "人数は 1〜" + std::to_string(r->capacity) + " で指定してください", "party");
    if (!is_slot(r->calendar, slot_start))
      throw ApiError::bad_request("その時刻には枠がありません", "slot");
    if (auto why = window_refusal(r->window_mode, r->window_days, slot_start, now_ms))
      throw ApiError(400, "out_of_window", *why, "slot");
    if (!lead_met(r->book_lead, r->calendar, slot_start, now_ms))
      throw ApiError(409, "lead_time", "予約は利用の " + lead_text(r->book_lead) + "までです",
                     "slot");
    // Only someone who could book the place may wait for it (accepting checks it again).
    require_eligible(tx, *r, resident_id);
    lock_slot(tx, r->id, slot_start);
    if (booked_party(tx, r->id, slot_start) + held_party(tx, r->id, slot_start, now_ms) + party <=
        r->capacity)
      throw ApiError(409, "not_full", "この枠には空きがあります。そのまま予約してください", "slot");
    if (tx.one("SELECT 1 FROM waitlist_entries WHERE resource_id = ? AND slot_start = ? AND "
               "resident_id = ? AND status IN ('waiting', 'offered')",
               {r->id, slot_start, resident_id}))
      throw ApiError(409, "already_waiting", "この枠のキャンセル待ちにはもう登録されています",
                     "slot");
    WaitlistEntry e;
    e.tenant_id = tenant_id;
    e.resource_id = r->id;
    e.slot_start = slot_start;
    e.party = party;
    e.resident_id = resident_id;
    e.status = "waiting";
    e.created_at = now_ms;
    e.id = tx.insert_id(
        "INSERT INTO waitlist_entries(tenant_id, resource_id, slot_start, party, resident_id, "
        "status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'waiting', ?, ?) RETURNING id",
        {tenant_id, r->id, slot_start, int64_t{party}, resident_id, now_ms, now_ms});
    return e;
  });
}

WaitlistEntry leave(store::Db& db, int64_t tenant_id, int64_t entry_id, int64_t resident_id,
                    int64_t now_ms) {
  return db.write([&](store::Tx& tx) {
    auto e = find_entry(tx, tenant_id, entry_id);
    if (!e || e->resident_id != resident_id)
      throw ApiError::not_found("キャンセル待ちが見つかりません");
    if (e->status != "waiting" && e->status != "offered")
      throw ApiError(409, "not_waiting", "このキャンセル待ちはもう終わっています");
    bool was_offered = e->status == "offered";
    // The slot first, as bookers take it, so an accept racing this cannot deadlock with it.
    lock_slot(tx, e->resource_id, e->slot_start);
    tx.exec("UPDATE waitlist_entries SET status = 'cancelled', updated_at = ? WHERE id = ?",
            {now_ms, e->id});
    e->status = "cancelled";
    if (was_offered)
      if (auto r = find_resource(tx, tenant_id, e->resource_id))
        offer_freed(tx, *r, e->slot_start, now_ms);
    return *e;
  });
}

Booking accept(store::Db& db, int64_t tenant_id, int64_t entry_id, int64_t resident_id,
               int64_t now_ms) {
  auto e = db.read([&](store::Tx& tx) { return find_entry(tx, tenant_id, entry_id); });
  if (!e || e->resident_id != resident_id)
    throw ApiError::not_found("キャンセル待ちが見つかりません");
  BookingRequest req;
  req.tenant_id = tenant_id;
  req.resource_id = e->resource_id;
  req.slot_start = e->slot_start;
  req.party = e->party;
  req.resident_id = resident_id;
  req.waitlist_entry_id = e->id;
  // book() checks the offer again inside its transaction, under the slot's lock.
  return book(db, req, now_ms);
}

int expire_due(store::Db& db, int64_t now_ms) {
  return db.write([&](store::Tx& tx) {
    auto due = entries(tx, "status = 'offered' AND expires_at <= ? ORDER BY id", {now_ms}, 500);
    std::set<std::pair<int64_t, int64_t>> slots;  // (resource, slot), in lock order
    for (const auto& e : due) slots.emplace(e.resource_id, e.slot_start);
    // The slots' locks before the entries' rows, in the order bookers take them: an accept
    // holding a slot's lock and updating its entry cannot then wait for us, nor we for it.
    for (const auto& [resource_id, slot] : slots) lock_slot(tx, resource_id, slot);
    int expired = 0;
    for (const auto& e : due)
      expired += static_cast<int>(
          tx.exec("UPDATE waitlist_entries SET status = 'expired', updated_at = ? WHERE id = ? AND "
                  "status = 'offered' AND expires_at <= ?",
                  {now_ms, e.id, now_ms}));
    for (const auto& [resource_id, slot] : slots) {
      auto r = tx.one("SELECT tenant_id FROM resources WHERE id = ?", {resource_id});
      if (!r) continue;
      if (auto res = find_resource(tx, r->i64(0), resource_id)) offer_freed(tx, *res, slot, now_ms);
    }
    return expired;
  });
}

messaging::Message offer_message(const std::string& tenant_code, const std::string& resource_name,
                                 int64_t slot_start, int64_t expires_at) {
  messaging::Message m;
  m.kind = "reservation";
  m.title = "キャンセル待ちの枠が空きました";
  m.text = resource_name + "（" + format_slot(slot_start).replace(10, 1, " ") +
           "）に空きが出ました。" + clock::format_jst(expires_at, "%m月%d日 %H:%M") +
           " までに予約を確定してください。期限を過ぎると次の方にご案内します。";
  m.link = "/t/" + tenant_code + "/my";
  return m;
}

void register_jobs(jobs::Runner& runner, store::Db& db, const messaging::Dispatch& messengers,
                   const Clock& clock) {
  runner.handle("reservations.waitlist_offer", [&db, &messengers](const jobs::Job& job) {
    db.write([&](store::Tx& tx) {
      auto row = tx.one(
          "SELECT w.tenant_id, w.resident_id, w.slot_start, w.expires_at, w.status, r.name, "
          "t.code FROM waitlist_entries w JOIN resources r ON r.id = w.resource_id JOIN tenants "
          "t ON t.id = w.tenant_id WHERE w.id = ?",
          {job.payload.value("entry_id", int64_t{0})});
      if (!row || row->str(4) != "offered") return;  // accepted, declined or gone meanwhile
      if (!messengers.send(tx, row->i64(0), row->i64(1),
                           offer_message(row->str(6), row->str(5), row->i64(2), row->i64(3))))
        log::warn("waitlist offer not delivered: no channel", {{"job", job.id}});
    });
  });
  runner.handle("reservations.waitlist_expire",
                [&db, &clock](const jobs::Job&) { expire_due(db, clock.now_ms()); });
  register_lottery_jobs(runner, db, messengers);
  // Confirmations, reminders, change and cancellation messages (notices.h).
  register_notice_jobs(runner, db, messengers, clock);
}

}  // namespace mg::reservations
