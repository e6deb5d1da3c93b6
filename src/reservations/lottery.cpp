#include "reservations/lottery.h"

#include <algorithm>
#include <random>
#include <set>

#include "auth/service.h"
#include "auth/store.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "core/log.h"
#include "reservations/ledger.h"
#include "reservations/waitlist.h"

namespace mg::reservations {

namespace chr = std::chrono;

namespace {

constexpr const char* kRoundColumns =
    "id, tenant_id, resource_id, title, opens_at, closes_at, max_wins, status, seed, drawn_at, "
    "published_at, created_at";

LotteryRound round_of(store::Tx& tx, const store::Row& r) {
  LotteryRound out;
  out.id = r.i64(0);
  out.tenant_id = r.i64(1);
  out.resource_id = r.i64(2);
  out.title = r.str(3);
  out.opens_at = r.i64(4);
  out.closes_at = r.i64(5);
  out.max_wins = static_cast<int>(r.i64(6));
  out.status = r.str(7);
  out.seed = r.str(8);
  out.drawn_at = r.opt_i64(9);
  out.published_at = r.opt_i64(10);
  out.created_at = r.i64(11);
  tx.each(
      "SELECT slot_start FROM lottery_round_slots WHERE tenant_id = ? AND round_id = ? "
      "ORDER BY slot_start",
      {out.tenant_id, out.id}, [&](const store::Row& s) {
        out.slots.push_back(s.i64(0));
        return true;
      });
  return out;
}

std::vector<int64_t> choices_of(const std::string& text) {
  std::vector<int64_t> out;
  try {
    for (const auto& c : parse_stored_json(text))
      if (c.is_number_integer()) out.push_back(c.get<int64_t>());
  } catch (const std::exception&) {
  }
  return out;
}

constexpr const char* kApplicationColumns =
    "id, round_id, resident_id, party, choices, status, created_at, updated_at";

LotteryApplication application_of(const store::Row& r) {
  LotteryApplication a;
  a.id = r.i64(0);
  a.round_id = r.i64(1);
  a.resident_id = r.i64(2);
  a.party = static_cast<int>(r.i64(3));
  a.choices = choices_of(r.str(4));
  a.status = r.str(5);
  a.created_at = r.i64(6);
  a.updated_at = r.i64(7);
  return a;
}

int64_t slot_field(const Json& j, const char* field, const char* label) {
  if (!j.is_string())
    throw ApiError::bad_request(std::string(label) + "は 2027-01-10T09:00 の形で書きます", field);
  auto s = parse_slot(j.get<std::string>());
  if (!s)
    throw ApiError::bad_request(std::string(label) + "は 2027-01-10T09:00 の形で書きます", field);
  return *s;
}

// The round the caller works on, locked against a concurrent draw or publish (PostgreSQL; the
// single SQLite writer needs no lock).
LotteryRound locked_round(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto r = tx.one(std::string("SELECT ") + kRoundColumns +
                      " FROM lottery_rounds WHERE tenant_id = ? AND id = ?" + store::for_update(tx),
                  {tenant_id, id});
  if (!r) throw ApiError::not_found("抽選が見つかりません");
  return round_of(tx, *r);
}

}  // namespace

RoundSpec parse_round_spec(const Json& body) {
  if (!body.is_object()) throw ApiError::bad_request("抽選の内容はオブジェクトで送ってください");
  RoundSpec s;
  auto rid = body.find("resource_id");
  if (rid == body.end() || !rid->is_number_integer() || rid->get<int64_t>() <= 0)
    throw ApiError::bad_request("予約の対象を選んでください", "resource_id");
  s.resource_id = rid->get<int64_t>();
  if (auto t = body.find("title"); t != body.end() && !t->is_null()) {
    if (!t->is_string()) throw ApiError::bad_request("題名は文字で入れてください", "title");
    s.title = t->get<std::string>();
    if (s.title.size() > 200) throw ApiError::bad_request("題名が長すぎます", "title");
  }
  s.opens_at = slot_field(body.value("opens_at", Json()), "opens_at", "受付開始");
  s.closes_at = slot_field(body.value("closes_at", Json()), "closes_at", "受付終了");
  if (s.closes_at <= s.opens_at)
    throw ApiError::bad_request("受付終了は受付開始より後にしてください", "closes_at");
  if (auto m = body.find("max_wins"); m != body.end() && !m->is_null()) {
    if (!m->is_number_integer() || m->get<int64_t>() < 1 || m->get<int64_t>() > 10)
      throw ApiError::bad_request("1 人が当選できる枠の数は 1〜10 です", "max_wins");
    s.max_wins = static_cast<int>(m->get<int64_t>());
  }
  auto slots = body.find("slots");
  if (slots != body.end() && !slots->is_null()) {
    if (!slots->is_array() || slots->empty() || slots->size() > 2000)
      throw ApiError::bad_request("枠は 1〜2000 の一覧です", "slots");
    std::set<int64_t> seen;
    for (const auto& v : *slots) {
      int64_t slot = slot_field(v, "slots", "枠");
      if (seen.insert(slot).second) s.slots.push_back(slot);
    }
    return s;
  }
  auto date_of = [&](const char* key) {
    auto it = body.find(key);
    if (it == body.end() || !it->is_string() || !parse_date(it->get<std::string>()))
      throw ApiError::bad_request("枠の一覧か、期間（2027-01-01 の形）を指定してください", key);
    return it->get<std::string>();
  };
  s.from = date_of("from");
  s.to = date_of("to");
  auto a = chr::sys_days{*parse_date(*s.from)}, b = chr::sys_days{*parse_date(*s.to)};
  if (b < a || (b - a).count() > 61)
    throw ApiError::bad_request("期間は 62 日以内で、終わりは始まり以降にしてください", "to");
  return s;
}

ApplicationSpec parse_application_spec(const Json& body) {
  if (!body.is_object()) throw ApiError::bad_request("申し込みはオブジェクトで送ってください");
  ApplicationSpec s;
  auto choices = body.find("choices");
  if (choices == body.end() || !choices->is_array() || choices->empty() ||
      choices->size() > static_cast<std::size_t>(kMaxChoices))
    throw ApiError::bad_request("希望の枠を 1〜3 つ選んでください", "choices");
  for (const auto& c : *choices) {
    int64_t slot = slot_field(c, "choices", "希望の枠");
    if (std::find(s.choices.begin(), s.choices.end(), slot) != s.choices.end())
      throw ApiError::bad_request("同じ枠を 2 回選んでいます", "choices");
    s.choices.push_back(slot);
  }
  if (auto p = body.find("party"); p != body.end() && !p->is_null()) {
    if (!p->is_number_integer() || p->get<int64_t>() < 1 || p->get<int64_t>() > 10000)
      throw ApiError::bad_request("人数は 1 以上の整数です", "party");
    s.party = static_cast<int>(p->get<int64_t>());
  }
  return s;
}

bool lottery_hold(store::Tx& tx, int64_t tenant_id, int64_t resource_id,
                  const std::vector<int64_t>& slots, std::optional<int64_t> except) {
  for (int64_t s : slots)
    if (tx.one("SELECT 1 FROM lottery_round_slots ls JOIN lottery_rounds lr ON lr.id = "
               "ls.round_id WHERE ls.tenant_id = ? AND ls.resource_id = ? AND ls.slot_start = ? "
               "AND lr.status IN ('open', 'drawn') AND lr.id <> ? LIMIT 1",
               {tenant_id, resource_id, s, except.value_or(0)}))
      return true;
  return false;
}

std::vector<int64_t> lottery_held_slots(store::Tx& tx, int64_t tenant_id, int64_t resource_id,
                                        int64_t from_ms, int64_t to_ms) {
  std::vector<int64_t> out;
  tx.each(
      "SELECT DISTINCT ls.slot_start FROM lottery_round_slots ls JOIN lottery_rounds lr ON "
      "lr.id = ls.round_id WHERE ls.tenant_id = ? AND ls.resource_id = ? AND ls.slot_start >= ? "
      "AND ls.slot_start < ? AND lr.status IN ('open', 'drawn') ORDER BY ls.slot_start",
      {tenant_id, resource_id, from_ms, to_ms}, [&](const store::Row& r) {
        out.push_back(r.i64(0));
        return true;
      });
  return out;
}

std::vector<LotteryRound> list_rounds(store::Tx& tx, int64_t tenant_id,
                                      std::optional<int64_t> resource_id) {
  std::vector<store::Row> rows =
      resource_id ? tx.query(std::string("SELECT ") + kRoundColumns +
                                 " FROM lottery_rounds WHERE tenant_id = ? AND resource_id = ? "
                                 "ORDER BY id DESC LIMIT 200",
                             {tenant_id, *resource_id})
                  : tx.query(std::string("SELECT ") + kRoundColumns +
                                 " FROM lottery_rounds WHERE tenant_id = ? ORDER BY id DESC "
                                 "LIMIT 200",
                             {tenant_id});
  std::vector<LotteryRound> out;
  for (const auto& r : rows) out.push_back(round_of(tx, r));
  return out;
}

std::optional<LotteryRound> find_round(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto r = tx.one(std::string("SELECT ") + kRoundColumns +
                      " FROM lottery_rounds WHERE tenant_id = ? AND id = ?",
                  {tenant_id, id});
  if (!r) return std::nullopt;
  return round_of(tx, *r);
}

std::vector<LotteryApplication> round_applications(store::Tx& tx, int64_t tenant_id,
                                                   int64_t round_id) {
  std::vector<LotteryApplication> out;
  tx.each(std::string("SELECT ") + kApplicationColumns +
              " FROM lottery_applications WHERE tenant_id = ? AND round_id = ? ORDER BY id",
          {tenant_id, round_id}, [&](const store::Row& r) {
            out.push_back(application_of(r));
            return out.size() < 100000;
          });
  return out;
}

std::optional<LotteryApplication> resident_application(store::Tx& tx, int64_t tenant_id,
                                                       int64_t round_id, int64_t resident_id) {
  auto r = tx.one(std::string("SELECT ") + kApplicationColumns +
                      " FROM lottery_applications WHERE tenant_id = ? AND round_id = ? AND "
                      "resident_id = ?",
                  {tenant_id, round_id, resident_id});
  if (!r) return std::nullopt;
  return application_of(*r);
}

std::vector<LotteryWin> round_wins(store::Tx& tx, int64_t tenant_id, int64_t round_id) {
  std::vector<LotteryWin> out;
  tx.each(
      "SELECT application_id, slot_start, choice_rank, booking_id, refused FROM lottery_wins "
      "WHERE tenant_id = ? AND round_id = ? ORDER BY id",
      {tenant_id, round_id}, [&](const store::Row& r) {
        out.push_back({r.i64(0), r.i64(1), static_cast<int>(r.i64(2)), r.opt_i64(3), r.str(4)});
        return true;
      });
  return out;
}

std::optional<DrawInput> recorded_input(store::Tx& tx, int64_t tenant_id, int64_t round_id) {
  auto r = tx.one("SELECT draw_input FROM lottery_rounds WHERE tenant_id = ? AND id = ?",
                  {tenant_id, round_id});
  if (!r || r->str(0).empty()) return std::nullopt;
  return parse_draw_input(parse_stored_json(r->str(0)));
}

LotteryRound create_round(store::Db& db, const auth::Principal& who, const RoundSpec& spec,
                          int64_t now_ms) {
  return db.write([&](store::Tx& tx) {
    auto res = find_resource(tx, who.tenant_id, spec.resource_id);
    if (!res) throw ApiError::not_found("予約の対象が見つかりません");
    std::vector<int64_t> slots = spec.slots;
    if (spec.from) {
      for (Date d = *parse_date(*spec.from); d <= *parse_date(*spec.to);
           d = Date{chr::sys_days{d} + chr::days{1}})
        for (int64_t s : slots_on(res->calendar, d)) slots.push_back(s);
      if (slots.empty()) throw ApiError::bad_request("その期間には枠がありません", "from");
    }
    std::sort(slots.begin(), slots.end());
    for (int64_t s : slots) {
      if (!is_slot(res->calendar, s))
        throw ApiError::bad_request(format_slot(s) + " は枠ではありません", "slots");
      if (s <= spec.closes_at)
        throw ApiError::bad_request("抽選の枠は受付終了より後の枠にしてください", "slots");
    }
    if (spec.closes_at <= now_ms)
      throw ApiError::bad_request("受付終了は今より後にしてください", "closes_at");
    // A slot belongs to one live round at a time; the slots' locks keep two creators apart.
    for (int64_t s : slots) lock_slot(tx, res->id, s);
    if (lottery_hold(tx, who.tenant_id, res->id, slots))
      throw ApiError(409, "overlap", "ほかの抽選の枠と重なっています", "slots");
    LotteryRound r;
    r.tenant_id = who.tenant_id;
    r.resource_id = res->id;
    r.title = spec.title.empty() ? res->name + " 抽選" : spec.title;
    r.opens_at = spec.opens_at;
    r.closes_at = spec.closes_at;
    r.max_wins = spec.max_wins;
    r.status = "open";
    r.created_at = now_ms;
    r.slots = slots;
    r.id = tx.insert_id(
        "INSERT INTO lottery_rounds(tenant_id, resource_id, title, opens_at, closes_at, "
        "max_wins, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'open', "
        "?, ?, ?) RETURNING id",
        {who.tenant_id, res->id, r.title, r.opens_at, r.closes_at, int64_t{r.max_wins},
         who.staff_id, now_ms, now_ms});
    for (int64_t s : slots)
      tx.exec(
          "INSERT INTO lottery_round_slots(round_id, tenant_id, resource_id, slot_start) VALUES "
          "(?, ?, ?, ?)",
          {r.id, who.tenant_id, res->id, s});
    auth::audit(tx, who, "lottery.create", "lottery_round", std::to_string(r.id),
                {{"resource_id", res->id}, {"slots", slots.size()}});
    return r;
  });
}

LotteryApplication apply(store::Db& db, int64_t tenant_id, int64_t round_id, int64_t resident_id,
                         const ApplicationSpec& spec, int64_t now_ms, bool& created) {
  return db.write([&](store::Tx& tx) {
    auto r = locked_round(tx, tenant_id, round_id);
    if (r.status != "open" || now_ms < r.opens_at || now_ms >= r.closes_at)
      throw ApiError(409, "not_accepting", "この抽選は受付期間外です");
    auto res = find_resource(tx, tenant_id, r.resource_id);
    if (!res) throw ApiError::not_found("抽選が見つかりません");
    if (spec.party > res->capacity)
      throw ApiError::bad_request("人数は 1〜" + std::to_string(res->capacity) + " です", "party");
    for (int64_t c : spec.choices)
      if (!std::binary_search(r.slots.begin(), r.slots.end(), c))
        throw ApiError::bad_request(format_slot(c) + " はこの抽選の枠ではありません", "choices");
    Json choices = spec.choices;
    auto existing = resident_application(tx, tenant_id, round_id, resident_id);
    created = !existing;
    if (existing) {
      tx.exec(
          "UPDATE lottery_applications SET party = ?, choices = ?, updated_at = ? WHERE "
          "tenant_id = ? AND id = ?",
          {int64_t{spec.party}, choices.dump(), now_ms, tenant_id, existing->id});
    } else {
      tx.insert_id(
          "INSERT INTO lottery_applications(tenant_id, round_id, resident_id, party, choices, "
          "status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'applied', ?, ?) RETURNING id",
          {tenant_id, round_id, resident_id, int64_t{spec.party}, choices.dump(), now_ms, now_ms});
    }
    return *resident_application(tx, tenant_id, round_id, resident_id);
  });
}

LotteryRound draw_round(store::Db& db, const auth::Principal& who, int64_t round_id,
                        std::optional<uint64_t> seed, int64_t now_ms) {
  if (!seed) {
    std::random_device rd;
    seed = (uint64_t{rd()} << 32) ^ uint64_t { rd() };
  }
  return db.write([&](store::Tx& tx) {
    auto r = locked_round(tx, who.tenant_id, round_id);
    if (r.status != "open") throw ApiError(409, "already_drawn", "この抽選はもう抽選済みです");
    if (now_ms < r.closes_at)
      throw ApiError(409, "still_open", "受付期間が終わってから抽選してください");
    auto res = find_resource(tx, who.tenant_id, r.resource_id);
    if (!res) throw ApiError::not_found("予約の対象が見つかりません");
    DrawInput in;
    in.seed = *seed;
    in.max_wins = r.max_wins;
    // Places left now: bookings made before the round opened (or by staff) stay.
    for (int64_t s : r.slots) {
      lock_slot(tx, res->id, s);
      in.places[s] = std::max<int64_t>(
          0, res->capacity - booked_party(tx, res->id, s) - held_party(tx, res->id, s, now_ms));
    }
    for (const auto& a : round_applications(tx, who.tenant_id, round_id))
      in.applications.push_back({a.id, a.party, a.choices});
    DrawResult result = draw(in);
    for (const auto& w : result.wins)
      tx.exec(
          "INSERT INTO lottery_wins(tenant_id, round_id, application_id, slot_start, choice_rank) "
          "VALUES (?, ?, ?, ?, ?)",
          {who.tenant_id, round_id, w.application_id, w.slot_start, int64_t{w.rank}});
    tx.exec(
        "UPDATE lottery_rounds SET status = 'drawn', seed = ?, draw_input = ?, drawn_at = ?, "
        "updated_at = ? WHERE tenant_id = ? AND id = ?",
        {seed_text(*seed), to_json(in).dump(), now_ms, now_ms, who.tenant_id, round_id});
    auth::audit(tx, who, "lottery.draw", "lottery_round", std::to_string(round_id),
                {{"seed", seed_text(*seed)},
                 {"applications", in.applications.size()},
                 {"wins", result.wins.size()}});
    r.status = "drawn";
    r.seed = seed_text(*seed);
    r.drawn_at = now_ms;
    return r;
  });
}

LotteryRound publish_round(store::Db& db, const auth::Principal& who, int64_t round_id,
                           int64_t now_ms) {
  return db.write([&](store::Tx& tx) {
    auto r = locked_round(tx, who.tenant_id, round_id);
    if (r.status != "drawn") throw ApiError(409, "not_drawn", "抽選が済んでいないか、公開済みです");
    std::map<int64_t, LotteryApplication> apps;
    for (auto& a : round_applications(tx, who.tenant_id, round_id)) apps[a.id] = a;
    std::set<int64_t> winners;
    auto wins = round_wins(tx, who.tenant_id, round_id);
    for (const auto& w : wins) {
      const auto& a = apps.at(w.application_id);
      BookingRequest req;
      req.tenant_id = who.tenant_id;
      req.resource_id = r.resource_id;
      req.slot_start = w.slot_start;
      req.party = a.party;
      req.resident_id = a.resident_id;
      req.lottery_round_id = r.id;
      req.note = "抽選「" + r.title + "」当選";
      std::string refused;
      std::optional<int64_t> booking_id;
      try {
        // The ledger checks the capacity under the slot's lock: a win never overbooks.
        auto b = book_in(tx, req, now_ms);
        if (b)
          booking_id = b->id;
        else
          refused = "slot_full";
      } catch (const ApiError& e) {
        // A rule of the resource (a daily limit, a stop, a closure since the draw) refuses
        // this win; the applicant is told they did not get it.
        refused = e.code();
      }
      if (booking_id) winners.insert(w.application_id);
      tx.exec(
          "UPDATE lottery_wins SET booking_id = ?, refused = ? WHERE tenant_id = ? AND "
          "round_id = ? AND application_id = ? AND slot_start = ?",
          {store::opt(booking_id), refused, who.tenant_id, round_id, w.application_id,
           w.slot_start});
    }
    for (const auto& [id, a] : apps) {
      tx.exec(
          "UPDATE lottery_applications SET status = ?, updated_at = ? WHERE tenant_id = ? AND "
          "id = ?",
          {std::string(winners.count(id) ? "won" : "lost"), now_ms, who.tenant_id, id});
      jobs::EnqueueOptions tell;
      tell.tenant_id = who.tenant_id;
      jobs::enqueue(tx, "reservations.lottery_result", {{"application_id", id}}, tell);
    }
    tx.exec(
        "UPDATE lottery_rounds SET status = 'published', published_at = ?, updated_at = ? WHERE "
        "tenant_id = ? AND id = ?",
        {now_ms, now_ms, who.tenant_id, round_id});
    auth::audit(tx, who, "lottery.publish", "lottery_round", std::to_string(round_id),
                {{"winners", winners.size()}, {"applications", apps.size()}});
    // The slots are first-come now; places nobody won go to their waitlists first.
    if (auto res = find_resource(tx, who.tenant_id, r.resource_id))
      for (int64_t s : r.slots) offer_freed(tx, *res, s, now_ms);
    r.status = "published";
    r.published_at = now_ms;
    return r;
  });
}

LotteryRound cancel_round(store::Db& db, const auth::Principal& who, int64_t round_id,
                          int64_t now_ms) {
  return db.write([&](store::Tx& tx) {
    auto r = locked_round(tx, who.tenant_id, round_id);
    if (r.status != "open" && r.status != "drawn")
      throw ApiError(409, "not_cancellable", "公開済みか取り消し済みの抽選です");
    tx.exec(
        "UPDATE lottery_rounds SET status = 'cancelled', updated_at = ? WHERE tenant_id = ? AND "
        "id = ?",
        {now_ms, who.tenant_id, round_id});
    auth::audit(tx, who, "lottery.cancel", "lottery_round", std::to_string(round_id));
    r.status = "cancelled";
    return r;
  });
}

void delete_resource_lotteries(store::Tx& tx, int64_t tenant_id, int64_t resource_id) {
  const char* rounds =
      " IN (SELECT id FROM lottery_rounds WHERE tenant_id = ? AND resource_id = ?)";
  tx.exec(std::string("DELETE FROM lottery_wins WHERE tenant_id = ? AND round_id") + rounds,
          {tenant_id, tenant_id, resource_id});
  tx.exec(std::string("DELETE FROM lottery_applications WHERE tenant_id = ? AND round_id") + rounds,
          {tenant_id, tenant_id, resource_id});
  tx.exec("DELETE FROM lottery_round_slots WHERE tenant_id = ? AND resource_id = ?",
          {tenant_id, resource_id});
  tx.exec("DELETE FROM lottery_rounds WHERE tenant_id = ? AND resource_id = ?",
          {tenant_id, resource_id});
}

void register_lottery_jobs(jobs::Runner& runner, store::Db& db,
                           const messaging::Dispatch& messengers) {
  runner.handle("reservations.lottery_result", [&db, &messengers](const jobs::Job& job) {
    if (!job.tenant_id) return;
    int64_t tenant_id = *job.tenant_id;
    db.write([&](store::Tx& tx) {
      auto row = tx.one(
          "SELECT round_id, resident_id, status FROM lottery_applications WHERE tenant_id = ? "
          "AND id = ?",
          {tenant_id, job.payload.value("application_id", int64_t{0})});
      if (!row) return;
      auto r = find_round(tx, tenant_id, row->i64(0));
      auto t = auth::sql::tenant_by_id(tx, tenant_id);
      if (!r || !t) return;
      messaging::Message m;
      m.kind = "reservation";
      m.link = "/t/" + t->code + "/lotteries";
      std::string won;
      for (const auto& w : round_wins(tx, tenant_id, r->id))
        if (w.booking_id && w.application_id == job.payload.value("application_id", int64_t{0}))
          won += (won.empty() ? "" : "、") + format_slot(w.slot_start).replace(10, 1, " ");
      if (row->str(2) == "won") {
        m.title = "抽選に当選しました";
        m.text = "「" + r->title + "」の抽選に当選し、予約が確定しました（" + won +
                 "）。取り消しは「予約の確認」からできます。";
      } else {
        m.title = "抽選の結果のお知らせ";
        m.text = "「" + r->title +
                 "」の抽選は、残念ながら落選となりました。空いている枠は先着順で予約できます。";
      }
      if (!messengers.send(tx, tenant_id, row->i64(1), m))
        log::warn("lottery result not delivered: no channel", {{"job", job.id}});
    });
  });
}

}  // namespace mg::reservations
