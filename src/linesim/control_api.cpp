// The /sim control API: tests and the phone page drive virtual residents, read what the bot
// sent, inspect webhook deliveries and flip fault switches. No auth: it is a test harness.
#include <algorithm>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/errors.h"
#include "linesim/platform.h"

namespace mg::linesim {

using http::Request;
using http::Response;

namespace {

Json body_or_empty(const Request& req) {
  if (req.body.empty()) return Json::object();
  return req.json_body();
}

bool wants_wait(const Request& req, const Json& body) {
  auto q = req.query_or("wait");
  return q == "1" || q == "true" || body.value("wait", false);
}

int64_t after_param(const Request& req) {
  auto a = req.query_or("after", "0");
  try {
    return std::stoll(a);
  } catch (...) {
    throw ApiError::bad_request("after must be a number", "after");
  }
}

}  // namespace

void Platform::add_control_routes() {
  router_.get("/sim/health", [this](Request&) {
    return Response::json({{"ok", true}, {"botUserId", bot_user_id_}});
  });

  router_.get("/sim/users", [this](Request&) {
    std::lock_guard lock(mu_);
    Json list = Json::array();
    for (const auto& [id, r] : residents_.all()) list.push_back(r.summary_json());
    return Response::json({{"users", list}});
  });

  router_.post("/sim/users", [this](Request& req) {
    Json body = body_or_empty(req);
    Json out = create_resident(body);
    if (out.contains("event")) {
      Json d = with_delivery(out["event"], wants_wait(req, body));
      if (d.contains("delivery")) out["delivery"] = d["delivery"];
    }
    return Response::json(out, 201);
  });

  router_.get("/sim/users/{userId}", [this](Request& req) {
    std::lock_guard lock(mu_);
    const Resident* r = residents_.find(req.params["userId"]);
    if (!r) throw ApiError::not_found("no such virtual resident");
    Json j = r->summary_json();
    j["effectiveRichMenuId"] = effective_rich_menu(*r);
    return Response::json(j);
  });

  // Image bytes may come raw (Content-Type: image/*) or as JSON {base64, contentType}.
  router_.post("/sim/users/{userId}/image", [this](Request& req) {
    std::string ct = req.header("content-type").value_or("");
    Json event;
    bool wait = req.query_or("wait") == "1";
    if (ct.rfind("image/", 0) == 0) {
      event = send_image(req.params["userId"], req.body, ct.substr(0, ct.find(';')));
    } else {
      Json body = body_or_empty(req);
      wait = wait || body.value("wait", false);
      event = act(req.params["userId"], "image", body);
    }
    return Response::json(with_delivery(event, wait));
  });

  router_.post("/sim/users/{userId}/{action}", [this](Request& req) {
    Json body = body_or_empty(req);
    Json event = act(req.params["userId"], req.params["action"], body);
    return Response::json(with_delivery(event, wants_wait(req, body)));
  });

  router_.get("/sim/users/{userId}/messages", [this](Request& req) {
    return Response::json(
        {{"messages", received_messages(req.params["userId"], after_param(req))}});
  });

  router_.get("/sim/users/{userId}/chat", [this](Request& req) {
    std::lock_guard lock(mu_);
    const Resident* r = residents_.find(req.params["userId"]);
    if (!r) throw ApiError::not_found("no such virtual resident");
    int64_t after = after_param(req);
    Json list = Json::array();
    for (const auto& e : r->timeline)
      if (e.seq > after) list.push_back(e.to_json());
    return Response::json({{"entries", list}, {"following", r->following}});
  });

  router_.get("/sim/users/{userId}/richmenu", [this](Request& req) {
    std::lock_guard lock(mu_);
    const Resident* r = residents_.find(req.params["userId"]);
    if (!r) throw ApiError::not_found("no such virtual resident");
    RichMenu* m = menus_.find(effective_rich_menu(*r));
    if (!m) return Response::json({{"richMenu", nullptr}});
    return Response::json(
        {{"richMenu", m->to_json()},
         {"imageUrl",
          m->image.empty() ? Json(nullptr) : Json("/sim/richmenus/" + m->id + "/image")}});
  });

  router_.get("/sim/richmenus/{richMenuId}/image", [this](Request& req) {
    std::lock_guard lock(mu_);
    RichMenu* m = menus_.find(req.params["richMenuId"]);
    if (!m || m->image.empty()) throw ApiError::not_found();
    return Response::text(m->image, m->image_type);
  });

  // The photo a resident sent, without a token, for the phone page.
  router_.get("/sim/content/{messageId}", [this](Request& req) {
    std::lock_guard lock(mu_);
    const StoredContent* c = residents_.content(req.params["messageId"]);
    if (!c) throw ApiError::not_found();
    return Response::text(c->bytes, c->content_type);
  });

  router_.post("/sim/events", [this](Request& req) {
    Json body = req.json_body();
    return Response::json({{"events", send_batch(body.value("events", Json(nullptr)))}});
  });

  router_.get("/sim/webhooks", [this](Request& req) {
    bool with_body = req.query_or("body") == "1";
    Json list = Json::array();
    for (const auto& d : sender_->deliveries(after_param(req)))
      list.push_back(d.to_json(with_body));
    return Response::json({{"deliveries", list}, {"queued", sender_->queued()}});
  });

  router_.post("/sim/webhooks/redeliver", [this](Request& req) {
    Json body = req.json_body();
    Json event;
    {
      std::lock_guard lock(mu_);
      auto it = events_.find(body.value("webhookEventId", ""));
      if (it == events_.end()) throw ApiError::not_found("unknown webhookEventId");
      event = it->second;
    }
    sender_->redeliver(event);
    event["deliveryContext"]["isRedelivery"] = true;
    return Response::json(with_delivery(event, wants_wait(req, body)));
  });

  router_.post("/sim/webhooks/wait-idle", [this](Request& req) {
    Json body = body_or_empty(req);
    bool idle = sender_->wait_idle(body.value("timeoutMs", 10000));
    return Response::json({{"idle", idle}, {"queued", sender_->queued()}});
  });

  router_.get("/sim/settings",
              [this](Request&) { return Response::json(sender_->settings().to_json()); });

  router_.post("/sim/settings", [this](Request& req) {
    Json body = req.json_body();
    sender_->configure([&](SenderSettings& s) { s.apply(body); });
    return Response::json(sender_->settings().to_json());
  });

  router_.post("/sim/flush", [this](Request& req) {
    sender_->flush();
    Json body = body_or_empty(req);
    bool idle = wants_wait(req, body) ? sender_->wait_idle(10000) : false;
    return Response::json({{"flushed", true}, {"idle", idle}});
  });

  router_.get("/sim/faults", [this](Request&) {
    std::lock_guard lock(mu_);
    return Response::json(faults_.to_json());
  });

  router_.post("/sim/faults", [this](Request& req) {
    Json body = req.json_body();
    std::lock_guard lock(mu_);
    faults_.fail_500 = body.value("fail500", faults_.fail_500);
    faults_.rate_limit_429 = body.value("rateLimit429", faults_.rate_limit_429);
    faults_.latency_ms = body.value("latencyMs", faults_.latency_ms);
    slow_ = faults_.latency_ms > 0;
    return Response::json(faults_.to_json());
  });

  router_.del("/sim/faults", [this](Request&) {
    std::lock_guard lock(mu_);
    faults_ = Faults{};
    slow_ = false;
    return Response::json(faults_.to_json());
  });

  router_.get("/sim/rate-limits", [this](Request&) {
    std::lock_guard lock(mu_);
    return Response::json(limiter_.to_json());
  });

  // {"POST /v2/bot/message/push": {"limit": 10, "windowMs": 1000}, ...}; limit 0 = unlimited.
  router_.post("/sim/rate-limits", [this](Request& req) {
    Json body = req.json_body();
    std::lock_guard lock(mu_);
    for (const auto& [key, v] : body.items())
      limiter_.set(key,
                   RateLimit{v.value("limit", int64_t{0}), v.value("windowMs", int64_t{1000})});
    return Response::json(limiter_.to_json());
  });

  router_.post("/sim/quota", [this](Request& req) {
    Json body = req.json_body();
    std::lock_guard lock(mu_);
    quota_type_ = body.value("type", quota_type_);
    if (quota_type_ != "none" && quota_type_ != "limited")
      throw ApiError::bad_request("type must be none or limited", "type");
    quota_value_ = body.value("value", quota_value_);
    quota_used_ = body.value("totalUsage", quota_used_);
    return Response::json(
        {{"type", quota_type_}, {"value", quota_value_}, {"totalUsage", quota_used_}});
  });

  router_.get("/sim/requests", [this](Request& req) {
    int64_t after = after_param(req);
    std::lock_guard lock(mu_);
    Json list = Json::array();
    // seq grows with every entry, so the entries after `after` are a suffix of the log.
    auto first = std::partition_point(api_log_.begin(), api_log_.end(), [after](const Json& e) {
      return e["seq"].get<int64_t>() <= after;
    });
    for (auto it = first; it != api_log_.end(); ++it) list.push_back(*it);
    return Response::json({{"requests", list}});
  });

  // Moves the platform's clock, e.g. to expire reply tokens: {"advanceMs": 61000}.
  router_.post("/sim/clock", [this](Request& req) {
    Json body = req.json_body();
    std::lock_guard lock(mu_);
    if (body.contains("offsetMs")) clock_.set_offset_ms(body["offsetMs"].get<int64_t>());
    clock_.advance_ms(body.value("advanceMs", int64_t{0}));
    return Response::json({{"offsetMs", clock_.offset_ms()}, {"nowMs", clock_.now_ms()}});
  });

  router_.post("/sim/reset", [this](Request&) {
    reset();
    return Response::json({{"ok", true}});
  });

  router_.post("/sim/save", [this](Request&) {
    std::lock_guard lock(mu_);
    if (config_.state_dir.empty()) throw ApiError::bad_request("no --state-dir configured");
    save_state();
    return Response::json({{"ok", true}});
  });
}

}  // namespace mg::linesim
