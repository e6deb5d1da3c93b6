// HTTP routes of the lottery rounds (抽選); the work is in lottery.{h,cpp}.
#include <algorithm>

#include "core/clock.h"
#include "core/errors.h"
#include "reservations/ledger.h"
#include "reservations/lottery.h"
#include "reservations/routes.h"

namespace mg::reservations {

namespace {

int64_t round_id_of(const http::Request& req) {
  const std::string& raw = req.params.at("id");
  if (raw.empty() || raw.size() > 18 || raw.find_first_not_of("0123456789") != std::string::npos ||
      std::stoll(raw) <= 0)
    throw ApiError::not_found("抽選が見つかりません");
  return std::stoll(raw);
}

void require_json_type(const http::Request& req) {
  // A JSON content type forces a CORS preflight, so other sites cannot apply in a resident's
  // name with their cookie.
  auto ct = req.header("content-type");
  if (!ct || ct->rfind("application/json", 0) != 0)
    throw ApiError(415, "unsupported_type", "Content-Type: application/json で送ってください");
}

Json slots_json(const std::vector<int64_t>& slots) {
  Json out = Json::array();
  for (int64_t s : slots) out.push_back(format_slot(s));
  return out;
}

Json round_json(const LotteryRound& r, const std::string& resource_name, int64_t now, bool staff) {
  bool drawn = r.status == "drawn" || r.status == "published";
  Json j = {{"id", r.id},
            {"resource_id", r.resource_id},
            {"resource_name", resource_name},
            {"title", r.title},
            {"opens_at", format_slot(r.opens_at)},
            {"closes_at", format_slot(r.closes_at)},
            {"max_wins", r.max_wins},
            {"status", r.status},
            {"accepting", r.status == "open" && now >= r.opens_at && now < r.closes_at},
            {"slots", slots_json(r.slots)},
            {"algorithm", kDrawAlgorithm}};
  // The seed is public once the results are: anyone can re-run the draw from the export.
  j["seed"] = (staff ? drawn : r.status == "published") ? Json(r.seed) : Json();
  j["drawn_at"] = r.drawn_at ? Json(*r.drawn_at) : Json();
  j["published_at"] = r.published_at ? Json(*r.published_at) : Json();
  return j;
}

Json application_json(const LotteryApplication& a, const std::vector<LotteryWin>& wins, bool staff,
                      bool results_out) {
  Json j = {{"id", a.id},
            {"party", a.party},
            {"choices", slots_json(a.choices)},
            {"status", results_out || staff ? a.status : std::string("applied")},
            {"created_at", a.created_at},
            {"updated_at", a.updated_at}};
  if (staff) j["resident_id"] = a.resident_id;
  Json won = Json::array();
  if (results_out || staff)
    for (const auto& w : wins)
      if (w.application_id == a.id)
        won.push_back({{"slot", format_slot(w.slot_start)},
                       {"rank", w.rank},
                       {"booking_id", w.booking_id ? Json(*w.booking_id) : Json()},
                       {"refused", w.refused}});
  j["wins"] = won;
  return j;
}

std::string resource_name(store::Tx& tx, int64_t tenant_id, int64_t resource_id) {
  auto r = find_resource(tx, tenant_id, resource_id);
  return r ? r->name : "";
}

}  // namespace

void mount_lottery(http::Router& router, auth::AuthService& auth, store::Db& db,
                   ResidentOf resident_of) {
  // ---- staff ----
  router.get("/api/lotteries", [&](http::Request& req) {
    auto who = auth.require(req);
    std::optional<int64_t> resource;
    if (auto q = req.query.find("resource_id"); q != req.query.end()) {
      const auto& s = q->second;
      if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
        throw ApiError::bad_request("resource_id は番号です", "resource_id");
      resource = std::stoll(s);
    }
    int64_t now = clock::now_ms();
    return db.read([&](store::Tx& tx) {
      Json out = Json::array();
      for (const auto& r : list_rounds(tx, who.tenant_id, resource)) {
        Json j = round_json(r, resource_name(tx, who.tenant_id, r.resource_id), now, true);
        j["applications"] = round_applications(tx, who.tenant_id, r.id).size();
        out.push_back(j);
      }
      return http::Response::json({{"lotteries", out}});
    });
  });

  router.post("/api/lotteries", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::editor);
    auto spec = parse_round_spec(req.json_body());
    int64_t now = clock::now_ms();
    auto r = create_round(db, who, spec, now);
    Json j = db.read([&](store::Tx& tx) {
      return round_json(r, resource_name(tx, who.tenant_id, r.resource_id), now, true);
    });
    return http::Response::json(j, 201);
  });

  router.get("/api/lotteries/{id}", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::operator_);
    int64_t id = round_id_of(req);
    int64_t now = clock::now_ms();
    return db.read([&](store::Tx& tx) {
      auto r = find_round(tx, who.tenant_id, id);
      if (!r) throw ApiError::not_found("抽選が見つかりません");
      Json j = round_json(*r, resource_name(tx, who.tenant_id, r->resource_id), now, true);
      auto wins = round_wins(tx, who.tenant_id, id);
      Json apps = Json::array();
      for (const auto& a : round_applications(tx, who.tenant_id, id))
        apps.push_back(application_json(a, wins, true, true));
      j["applications"] = apps;
      return http::Response::json(j);
    });
  });

  router.post("/api/lotteries/{id}/draw", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::operator_);
    int64_t id = round_id_of(req);
    Json body = req.json_body();
    if (!body.is_object()) throw ApiError::bad_request("オブジェクトで送ってください");
    std::optional<uint64_t> seed;
    if (auto s = body.find("seed");
        s != body.end() && !s->is_null() && !(s->is_string() && s->get<std::string>().empty())) {
      if (!s->is_string() || !parse_seed(s->get<std::string>()))
        throw ApiError::bad_request("シードは 16 桁までの 16 進数（0-9, a-f）です", "seed");
      seed = parse_seed(s->get<std::string>());
    }
    int64_t now = clock::now_ms();
    auto r = draw_round(db, who, id, seed, now);
    Json j = db.read([&](store::Tx& tx) {
      return round_json(r, resource_name(tx, who.tenant_id, r.resource_id), now, true);
    });
    return http::Response::json(j);
  });

  router.post("/api/lotteries/{id}/publish", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::operator_);
    int64_t id = round_id_of(req);
    int64_t now = clock::now_ms();
    auto r = publish_round(db, who, id, now);
    Json j = db.read([&](store::Tx& tx) {
      return round_json(r, resource_name(tx, who.tenant_id, r.resource_id), now, true);
    });
    return http::Response::json(j);
  });

  router.post("/api/lotteries/{id}/cancel", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::editor);
    int64_t id = round_id_of(req);
    int64_t now = clock::now_ms();
    auto r = cancel_round(db, who, id, now);
    Json j = db.read([&](store::Tx& tx) {
      return round_json(r, resource_name(tx, who.tenant_id, r.resource_id), now, true);
    });
    return http::Response::json(j);
  });

  // Seed, inputs and results: `madoguchi lottery replay FILE` re-runs the draw from this.
  router.get("/api/lotteries/{id}/export.json", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::operator_);
    int64_t id = round_id_of(req);
    return db.read([&](store::Tx& tx) {
      auto r = find_round(tx, who.tenant_id, id);
      if (!r) throw ApiError::not_found("抽選が見つかりません");
      auto in = recorded_input(tx, who.tenant_id, id);
      if (!in) throw ApiError(409, "not_drawn", "まだ抽選していません");
      Json recorded = Json::array();
      for (const auto& w : round_wins(tx, who.tenant_id, id))
        recorded.push_back({{"application_id", w.application_id},
                            {"slot", format_slot(w.slot_start)},
                            {"rank", w.rank},
                            {"booking_id", w.booking_id ? Json(*w.booking_id) : Json()},
                            {"refused", w.refused}});
      auto res = http::Response::json({{"round_id", r->id},
                                       {"title", r->title},
                                       {"input", to_json(*in)},
                                       {"result", to_json(draw(*in))},
                                       {"recorded_wins", recorded}});
      res.header("Content-Disposition",
                 "attachment; filename=\"lottery-" + std::to_string(id) + ".json\"");
      return res;
    });
  });

  // ---- residents ----
  auto tenant_of = [&auth](const http::Request& req) {
    auto t = auth.tenant_by_code(req.params.at("tenant"));
    if (!t) throw ApiError::not_found("自治体が見つかりません");
    return *t;
  };
  auto with_cookie = [](http::Response res, const PublicResident& who) {
    if (who.set_cookie) res.header("Set-Cookie", *who.set_cookie);
    return res;
  };

  // Open rounds, and every round the resident applied to (with the result once published).
  router.get("/api/public/{tenant}/lotteries",
             [&, tenant_of, with_cookie, resident_of](http::Request& req) {
               auto t = tenant_of(req);
               auto who = resident_of(req, false);
               int64_t now = clock::now_ms();
               Json out = db.read([&](store::Tx& tx) {
                 Json list = Json::array();
                 for (const auto& r : list_rounds(tx, t.id)) {
                   std::optional<LotteryApplication> mine;
                   if (who.resident_id)
                     mine = resident_application(tx, t.id, r.id, who.resident_id);
                   if (r.status != "open" && !mine) continue;
                   Json j = round_json(r, resource_name(tx, t.id, r.resource_id), now, false);
                   bool out_now = r.status == "published";
                   j["application"] = mine ? application_json(*mine,
                                                              out_now ? round_wins(tx, t.id, r.id)
                                                                      : std::vector<LotteryWin>{},
                                                              false, out_now)
                                           : Json();
                   list.push_back(j);
                 }
                 return list;
               });
               return with_cookie(http::Response::json({{"lotteries", out}}), who);
             });

  router.post(
      "/api/public/{tenant}/lotteries/{id}/applications",
      [&, tenant_of, with_cookie, resident_of](http::Request& req) {
        require_json_type(req);
        auto t = tenant_of(req);
        int64_t id = round_id_of(req);
        // The body and the round first: a refused call creates no resident.
        auto spec = parse_application_spec(req.json_body());
        auto round = db.read([&](store::Tx& tx) { return find_round(tx, t.id, id); });
        if (!round) throw ApiError::not_found("抽選が見つかりません");
        int64_t now = clock::now_ms();
        if (round->status != "open" || now < round->opens_at || now >= round->closes_at)
          throw ApiError(409, "not_accepting", "この抽選は受付期間外です");
        auto who = resident_of(req, false);
        if (!who.resident_id) who = resident_of(req, true);
        bool created = false;
        auto a = apply(db, t.id, id, who.resident_id, spec, now, created);
        return with_cookie(
            http::Response::json(application_json(a, {}, false, false), created ? 201 : 200), who);
      });
}

}  // namespace mg::reservations
