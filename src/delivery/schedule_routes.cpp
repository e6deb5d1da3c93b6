#include "delivery/schedule_routes.h"

#include "channels/line/text_units.h"
#include "core/errors.h"
#include "core/log.h"
#include "delivery/campaigns.h"
#include "delivery/garbage_reminders.h"
#include "delivery/schedule.h"

namespace mg::delivery {

namespace {

constexpr int64_t kSweepMs = 30 * 1000;
constexpr size_t kMaxReasonUnits = 300;

int64_t id_param(const http::Request& req) {
  auto it = req.params.find("id");
  if (it == req.params.end() || it->second.empty() || it->second.size() > 18 ||
      it->second.find_first_not_of("0123456789") != std::string::npos)
    throw ApiError::not_found("配信が見つかりません");
  return std::stoll(it->second);
}

Campaign existing(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto c = find(tx, tenant_id, id);
  if (!c) throw ApiError::not_found("配信が見つかりません");
  return *c;
}

Json timing_json(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto t = timing_of(tx, tenant_id, id);
  Timing shown = t.value_or(Timing{});
  auto next = next_run_of(tx, tenant_id, id);
  Json occ = Json::array();
  for (const auto& o : occurrences_of(tx, tenant_id, id, 50))
    occ.push_back({{"key", o.key},
                   {"occurrence_at", o.occurrence_at},
                   {"delivery_id", o.delivery_id ? Json(*o.delivery_id) : Json(nullptr)},
                   {"recipients", o.recipients},
                   {"created_at", o.created_at}});
  auto a = latest_approval(tx, tenant_id, id);
  return Json{{"campaign_id", id},
              {"timing", to_json(shown)},
              {"description", describe(shown)},
              {"next_run_at", next ? Json(*next) : Json(nullptr)},
              {"occurrences", occ},
              {"approval", a ? to_json(*a) : Json(nullptr)}};
}

}  // namespace

void register_schedule_routes(http::Router& router, auth::AuthService& auth, store::Db& db) {
  router.get("/api/delivery-settings", [&auth, &db](http::Request& req) {
    auto who = auth.require(req, auth::Role::viewer);
    auto s = db.read([&](store::Tx& tx) { return load_settings(tx, who.tenant_id); });
    return http::Response::json(to_json(s));
  });
  router.put("/api/delivery-settings", [&auth, &db](http::Request& req) {
    auto who = auth.require(req, auth::Role::admin);
    Json body = req.json_body();
    auto s = db.write([&](store::Tx& tx) {
      auto next = settings_from_json(body, load_settings(tx, who.tenant_id));
      save_settings(tx, who.tenant_id, next, clock::now_ms());
      auth::audit(tx, who, "delivery.settings", "tenant", std::to_string(who.tenant_id),
                  to_json(next));
      return next;
    });
    return http::Response::json(to_json(s));
  });
  router.get("/api/campaign-approvals", [&auth, &db](http::Request& req) {
    auto who = auth.require(req, auth::Role::viewer);
    Json items = db.read([&](store::Tx& tx) {
      Json out = Json::array();
      for (const auto& a : pending_approvals(tx, who.tenant_id, 100)) {
        auto c = find(tx, who.tenant_id, a.campaign_id);
        if (!c || c->status != "pending_approval") continue;  // cancelled while waiting
        auto t = timing_of(tx, who.tenant_id, a.campaign_id);
        Json cj = to_json(*c);
        cj["timing_description"] = describe(t.value_or(Timing{}));
        out.push_back({{"approval", to_json(a)},
                       {"campaign", cj},
                       // The console greys out the buttons the server would refuse (403).
                       {"can_decide", a.requested_by != who.staff_id &&
                                          (!c->created_by || *c->created_by != who.staff_id) &&
                                          who.role == auth::Role::admin}});
      }
      return out;
    });
    return http::Response::json({{"items", items}});
  });
  router.get("/api/campaigns/{id}/timing", [&auth, &db](http::Request& req) {
    auto who = auth.require(req, auth::Role::viewer);
    int64_t id = id_param(req);
    Json out = db.read([&](store::Tx& tx) {
      existing(tx, who.tenant_id, id);
      return timing_json(tx, who.tenant_id, id);
    });
    return http::Response::json(out);
  });
  router.put("/api/campaigns/{id}/timing", [&auth, &db](http::Request& req) {
    auto who = auth.require(req, auth::Role::operator_);
    int64_t id = id_param(req);
    Json body = req.json_body();
    Json out = db.write([&](store::Tx& tx) {
      existing(tx, who.tenant_id, id);  // 404 before any 400 about the body
      Timing t;
      try {
        t = parse_timing(body);
      } catch (const InvalidTiming& e) {
        throw ApiError::bad_request(e.what(), e.field);
      }
      set_timing(tx, who.tenant_id, id, t);
      auth::audit(tx, who, "campaign.timing", "campaign", std::to_string(id), to_json(t));
      return timing_json(tx, who.tenant_id, id);
    });
    return http::Response::json(out);
  });
  router.post("/api/campaigns/{id}/approve", [&auth, &db](http::Request& req) {
    auto who = auth.require(req, auth::Role::admin);
    int64_t id = id_param(req);
    Json out = db.write([&](store::Tx& tx) {
      approve(tx, who, id, clock::now_ms());
      return to_json(existing(tx, who.tenant_id, id));
    });
    return http::Response::json(out);
  });
  router.post("/api/campaigns/{id}/reject", [&auth, &db](http::Request& req) {
    auto who = auth.require(req, auth::Role::admin);
    int64_t id = id_param(req);
    Json body = req.json_body();
    Json out = db.write([&](store::Tx& tx) {
      existing(tx, who.tenant_id, id);
      std::string reason;
      if (body.is_object() && body.contains("reason") && body["reason"].is_string())
        reason = body["reason"].get<std::string>();
      while (!reason.empty() && (reason.back() == ' ' || reason.back() == '\n')) reason.pop_back();
      if (reason.empty()) throw ApiError::bad_request("差し戻しの理由を入力してください", "reason");
      if (line::utf16_length(reason) > kMaxReasonUnits)
        throw ApiError::bad_request("差し戻しの理由は300文字以内にしてください", "reason");
      reject(tx, who, id, reason, clock::now_ms());
      return to_json(existing(tx, who.tenant_id, id));
    });
    return http::Response::json(out);
  });
}

void register_schedule_jobs(jobs::Runner& runner, store::Db& db, const Clock& clock) {
  runner.handle("delivery.schedule", [&db, &clock, &runner](const jobs::Job&) {
    if (int n = sweep_timings(db, clock.now_ms())) {
      log::info("scheduled deliveries queued", {{"count", n}});
      runner.wake();  // their fan-out jobs
    }
  });
  runner.every("delivery.schedule", "delivery.schedule", Json::object(), kSweepMs);
}

void register_garbage_reminders(jobs::Runner& runner, store::Db& db,
                                const messaging::Dispatch& messengers, const Clock& clock) {
  runner.handle("garbage.reminders", [&db, &messengers, &clock](const jobs::Job&) {
    if (int n = sweep_garbage_reminders(db, messengers, clock.now_ms()))
      log::info("garbage reminders enqueued", {{"count", n}});
  });
  runner.every("garbage.reminders", "garbage.reminders", Json::object(), kSweepMs);
}

}  // namespace mg::delivery
