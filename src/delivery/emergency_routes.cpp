#include "delivery/emergency_routes.h"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>

#include "auth/store.h"
#include "channels/line/rich_menu_routes.h"
#include "channels/line/rich_menu_store.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "delivery/campaigns.h"
#include "delivery/emergency.h"

namespace mg::delivery {

namespace {

namespace em = emergency;

// Fixed one-minute windows per key, in memory (one process answers a tenant's alert relay;
// after a restart the windows start afresh, which only ever lets a relay through).
class MinuteWindows {
 public:
  explicit MinuteWindows(int limit) : limit_(limit) {}
  // True when the key may go ahead (and counts it); false: over the limit this minute.
  bool take(const std::string& key, int64_t now_ms) {
    std::lock_guard lock(mu_);
    int64_t minute = now_ms / 60'000;
    if (minute != minute_) {
      counts_.clear();  // also bounds the map: one minute's keys at most
      minute_ = minute;
    }
    return ++counts_[key] <= limit_;
  }
  int64_t retry_after_s(int64_t now_ms) const { return 60 - (now_ms / 1000) % 60; }

 private:
  int limit_;
  std::mutex mu_;
  int64_t minute_ = 0;
  std::map<std::string, int> counts_;
};

http::Response too_many(int64_t retry_after_s) {
  auto r = http::Response::error(429, "rate_limited",
                                 "緊急配信の要求が多すぎます。しばらくしてから再送してください");
  r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
  return r;
}

int64_t id_param(const http::Request& req) {
  auto it = req.params.find("id");
  if (it == req.params.end() || it->second.empty() || it->second.size() > 18 ||
      it->second.find_first_not_of("0123456789") != std::string::npos)
    throw ApiError::not_found("トークンが見つかりません");
  return std::stoll(it->second);
}

Json body_of(const http::Request& req) {
  if (req.body.size() > em::kMaxBodyBytes)
    throw ApiError(413, "too_large", "リクエストが大きすぎます");
  return http::json_body(req, JsonLimits{8, em::kMaxBodyBytes});
}

Json send_json(const em::SendResult& s, store::Tx& tx, int64_t tenant_id) {
  Json out{{"id", s.send_id}, {"campaign_id", s.campaign_id}, {"replayed", s.replayed}};
  if (auto c = find(tx, tenant_id, s.campaign_id)) out["campaign"] = to_json(*c);
  return out;
}

Json opt(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }

// The rich-menu switch of the console's one action, audited as an emergency step too.
Json switch_menu(store::Db& db, jobs::Runner& runner, const auth::Principal& who,
                 const Json& body) {
  Json out = line::switch_all_menus(db, runner, who, body);
  db.write([&](store::Tx& tx) {
    auth::audit(
        tx, who, out.value("restore", false) ? "emergency.menu_restore" : "emergency.menu_switch",
        "line_rich_menu", out.value("name", ""), {{"job_id", out["job"].value("id", Json())}});
  });
  return out;
}

}  // namespace

void register_emergency_routes(http::Router& router, auth::AuthService& auth, store::Db& db,
                               jobs::Runner& runner, EmergencyLimits limits) {
  auto per_tenant = std::make_shared<MinuteWindows>(limits.sends_per_minute);
  auto per_address = std::make_shared<MinuteWindows>(limits.requests_per_minute);

  router.get("/api/emergency", [&auth, &db](http::Request& req) {
    auto who = auth.require(req, auth::Role::admin);
    return db.read([&](store::Tx& tx) {
      Json sends = Json::array(), tokens = Json::array(), menus = Json::array();
      for (const auto& s : em::list_sends(tx, who.tenant_id, 20)) {
        Json j{{"id", s.id},
               {"campaign_id", s.campaign_id},
               {"source", s.source},
               {"token_id", opt(s.token_id)},
               {"created_by", opt(s.created_by)},
               {"districts", s.districts},
               {"created_at", s.created_at}};
        if (auto c = find(tx, who.tenant_id, s.campaign_id)) j["campaign"] = to_json(*c);
        sends.push_back(j);
      }
      for (const auto& t : em::list_tokens(tx, who.tenant_id)) tokens.push_back(em::to_json(t));
      for (const auto& m : line::list_rich_menus(tx, who.tenant_id)) menus.push_back(m.name);
      Json rich = line::load_rich_menu_state(tx, who.tenant_id).to_json();
      rich["menus"] = menus;
      return http::Response::json({{"sends", sends}, {"tokens", tokens}, {"rich_menu", rich}});
    });
  });

  router.post("/api/emergency/count", [&auth, &db](http::Request& req) {
    auto who = auth.require(req, auth::Role::admin);
    Json body = body_of(req);
    body["text"] = "-";  // only the districts matter here
    auto r = em::parse_request(body);
    int64_t n = db.read([&](store::Tx& tx) { return em::count_targets(tx, who.tenant_id, r); });
    return http::Response::json({{"targeted", n}});
  });

  router.post("/api/emergency/sends", [&auth, &db, &runner](http::Request& req) {
    auto who = auth.require(req, auth::Role::admin);
    Json body = body_of(req);
    auto r = em::parse_request(body);
    std::optional<std::string> key;
    if (auto h = req.header("Idempotency-Key")) key = em::checked_idempotency_key(*h);
    std::string menu;
    if (auto m = body.find("disaster_menu"); m != body.end() && !m->is_null()) {
      if (!m->is_string() || m->get_ref<const std::string&>().empty())
        throw ApiError::bad_request("災害時メニューの名前を指定してください", "disaster_menu");
      menu = m->get<std::string>();
      // Checked before anything is sent: a wrong name must not leave a send half done.
      if (!db.read([&](store::Tx& tx) { return line::find_rich_menu(tx, who.tenant_id, menu); }))
        throw ApiError::not_found("リッチメニュー「" + menu + "」はありません");
    }
    em::Origin origin{"console", who.staff_id, std::nullopt, who.ip};
    Json out = db.write([&](store::Tx& tx) {
      auto s = em::send(tx, who.tenant_id, r, origin, key);
      return send_json(s, tx, who.tenant_id);
    });
    runner.wake();
    out["menu"] = nullptr;
    if (!menu.empty() && !out.value("replayed", false)) {
      try {
        out["menu"] = switch_menu(db, runner, who, {{"name", menu}});
      } catch (const ApiError& e) {
        // The send is queued already; staff see why the menu did not switch and can retry.
        out["menu"] = {{"error", e.what()}};
      }
    }
    return http::Response::json(out, 202);
  });

  router.post("/api/emergency/menu", [&auth, &db, &runner](http::Request& req) {
    auto who = auth.require(req, auth::Role::admin);
    return http::Response::json(switch_menu(db, runner, who, body_of(req)), 202);
  });

  router.post("/api/emergency/tokens", [&auth, &db](http::Request& req) {
    auto who = auth.require(req, auth::Role::admin);
    Json body = body_of(req);
    std::string label;
    if (auto l = body.find("label"); l != body.end() && l->is_string())
      label = l->get<std::string>();
    auto issued = db.write([&](store::Tx& tx) {
      auto t = em::create_token(tx, who.tenant_id, label, who.staff_id);
      auth::audit(tx, who, "emergency.token.create", "emergency_token", std::to_string(t.row.id),
                  {{"label", t.row.label}, {"hint", t.row.hint}});
      return t;
    });
    Json out = em::to_json(issued.row);
    out["token"] = issued.token;
    return http::Response::json(out, 201);
  });

  router.post("/api/emergency/tokens/{id}/rotate", [&auth, &db](http::Request& req) {
    auto who = auth.require(req, auth::Role::admin);
    int64_t id = id_param(req);
    auto issued = db.write([&](store::Tx& tx) {
      auto t = em::rotate_token(tx, who.tenant_id, id, who.staff_id);
      if (!t) throw ApiError::not_found("有効なトークンが見つかりません");
      auth::audit(tx, who, "emergency.token.rotate", "emergency_token", std::to_string(t->row.id),
                  {{"replaces", id}, {"hint", t->row.hint}});
      return *t;
    });
    Json out = em::to_json(issued.row);
    out["token"] = issued.token;
    return http::Response::json(out, 201);
  });

  router.del("/api/emergency/tokens/{id}", [&auth, &db](http::Request& req) {
    auto who = auth.require(req, auth::Role::admin);
    int64_t id = id_param(req);
    db.write([&](store::Tx& tx) {
      if (!em::revoke_token(tx, who.tenant_id, id))
        throw ApiError::not_found("有効なトークンが見つかりません");
      auth::audit(tx, who, "emergency.token.revoke", "emergency_token", std::to_string(id));
    });
    return http::Response::json({{"id", id}, {"revoked", true}});
  });

  router.post("/api/public/{tenant}/emergency", [&auth, &db, &runner, per_tenant,
                                                 per_address](http::Request& req) {
    int64_t now = clock::now_ms();
    if (!per_address->take(req.remote_addr, now)) return too_many(per_address->retry_after_s(now));
    // One answer for an unknown town, a missing, wrong or revoked token, and another town's
    // token: nothing tells a prober which part was wrong.
    auto denied = [] { return ApiError::unauthorized("緊急配信のトークンが正しくありません"); };
    auto bearer = req.header("Authorization");
    if (!bearer || bearer->rfind("Bearer ", 0) != 0 || bearer->size() > 7 + 200) throw denied();
    std::string token = bearer->substr(7);
    auto tenant = auth.tenant_by_code(req.params.at("tenant"));
    if (!tenant) throw denied();
    Json body = body_of(req);
    auto r = em::parse_request(body);
    auto key_header = req.header("Idempotency-Key");
    if (!key_header)
      throw ApiError::bad_request("Idempotency-Key ヘッダーを指定してください", "Idempotency-Key");
    std::string key = em::checked_idempotency_key(*key_header);
    auto token_id =
        db.write([&](store::Tx& tx) { return em::authenticate(tx, tenant->id, token); });
    if (!token_id) throw denied();
    if (!per_tenant->take(std::to_string(tenant->id), now))
      return too_many(per_tenant->retry_after_s(now));
    em::Origin origin{"api", std::nullopt, token_id, req.remote_addr};
    Json out = db.write([&](store::Tx& tx) {
      auto s = em::send(tx, tenant->id, r, origin, key);
      return send_json(s, tx, tenant->id);
    });
    runner.wake();
    // 202 for a new send, 200 for a retry that found the first one.
    return http::Response::json(out, out.value("replayed", false) ? 200 : 202);
  });
}

}  // namespace mg::delivery
