#include "linesim/platform.h"

#include <chrono>
#include <thread>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/errors.h"
#include "core/http_client.h"
#include "core/json_parse.h"
#include "core/log.h"
#include "linesim/ids.h"
#include "linesim/line_error.h"
#include "linesim/webhook_events.h"

namespace mg::linesim {

namespace {
// While /sim/events builds a batch, resident actions on this thread collect their events
// here instead of queueing them one by one.
thread_local Json* t_batch_capture = nullptr;

constexpr std::size_t kApiLogCap = 5000;
constexpr std::size_t kEventCap = 50000;

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool is_api_path(std::string_view path) {
  return starts_with(path, "/v2/") || starts_with(path, "/oauth");
}
}  // namespace

Json Faults::to_json() const {
  return Json{{"fail500", fail_500}, {"rateLimit429", rate_limit_429}, {"latencyMs", latency_ms}};
}

Platform::Platform(Config config, const Clock& clock) : config_(std::move(config)), clock_(clock) {
  bot_user_id_ = ids::bot_user_id(config_.channel_secret);
  Transport transport = config_.transport ? config_.transport : Transport(&http::send);
  sender_ = std::make_unique<WebhookSender>(
      std::move(transport),
      [this](const Json& events) {
        // A webhook is being (re)delivered now: its reply tokens get a fresh minute.
        std::lock_guard lock(mu_);
        int64_t now = clock_.now_ms();
        for (const auto& e : events)
          if (e.contains("replyToken")) reply_tokens_.delivered(e["replyToken"], now);
      },
      config_.webhook_threads, clock_);
  sender_->configure([&](SenderSettings& s) {
    s.webhook_url = config_.webhook_url;
    s.channel_secret = config_.channel_secret;
    s.destination = bot_user_id_;
    s.redelivery = config_.redelivery;
  });
  add_messaging_routes();
  add_rich_menu_routes();
  add_control_routes();
  add_phone_routes();
  load_state();
}

Platform::~Platform() {
  sender_.reset();
  std::lock_guard lock(mu_);
  save_state();
}

http::Response Platform::handle(http::Request& req) {
  http::Response res;
  try {
    res = router_.dispatch(req);
    if (is_api_path(req.path) && (req.route == "(unknown)" || req.route == "(method)"))
      res = line_error(req.route == "(unknown)" ? 404 : 405,
                       req.route == "(unknown)" ? msg::kNotFound : "Method not allowed");
  } catch (const ApiError& e) {
    res = is_api_path(req.path) ? line_error(e.status(), e.what())
                                : http::Response::error(e.status(), e.code(), e.what(), e.field());
  } catch (const std::exception& e) {
    // Control API input of the wrong JSON type ends up here.
    res = http::Response::error(400, "invalid", e.what());
  }
  bool has_id = false;
  for (const auto& [k, v] : res.headers)
    if (k == "X-Line-Request-Id") has_id = true;
  if (!has_id) res.header("X-Line-Request-Id", ids::request_id());
  return res;
}

void Platform::add_api(const std::string& method, const std::string& pattern,
                       bool accepts_retry_key, ApiFn fn) {
  router_.add(method, pattern, api(method, pattern, accepts_retry_key, std::move(fn)));
}

bool Platform::runs_inline(const http::Request& req) const {
  return !slow_ && req.path.rfind("/v2/", 0) == 0;
}

http::Handler Platform::api(const std::string& method, const std::string& pattern,
                            bool accepts_retry_key, ApiFn fn) {
  std::string key = method + " " + pattern;
  return [this, key, accepts_retry_key, fn = std::move(fn)](http::Request& req) {
    ApiCall call;
    call.request_id = ids::request_id();
    int64_t latency = 0;
    {
      std::lock_guard lock(mu_);
      latency = faults_.latency_ms;
    }
    if (latency > 0) std::this_thread::sleep_for(std::chrono::milliseconds(latency));

    auto finish = [&](http::Response res) {
      res.header("X-Line-Request-Id", call.request_id);
      Json entry = {{"seq", ++api_seq_},
                    {"method", req.method},
                    {"path", req.path},
                    {"route", key},
                    {"status", res.status},
                    {"requestId", call.request_id},
                    {"timestamp", clock_.now_ms()}};
      if (!call.retry_key.empty()) entry["retryKey"] = call.retry_key;
      api_log_.push_back(std::move(entry));
      if (api_log_.size() > kApiLogCap) api_log_.pop_front();
      return res;
    };

    std::lock_guard lock(mu_);
    call.now = clock_.now_ms();
    if (faults_.fail_500 > 0) {
      --faults_.fail_500;
      return finish(line_error(500, msg::kInternal));
    }
    auto auth = req.header("authorization");
    if (!auth || !starts_with(*auth, "Bearer ")) return finish(line_error(401, msg::kAuthMissing));
    std::string token = auth->substr(7);
    bool token_ok = config_.access_token.empty() ? !token.empty() : token == config_.access_token;
    if (!token_ok) return finish(line_error(401, msg::kAuthFailed));
    if (faults_.rate_limit_429 > 0) {
      --faults_.rate_limit_429;
      return finish(line_error(429, msg::kRateLimited));
    }
    // Retries count against the rate limit too, so check it before the retry key.
    if (!limiter_.allow(key, call.now)) return finish(line_error(429, msg::kRateLimited));

    if (auto rk = req.header("x-line-retry-key")) {
      if (!accepts_retry_key)
        return finish(line_error(400, "X-Line-Retry-Key is not supported for this endpoint"));
      if (!ids::is_uuid(*rk))
        return finish(line_error(400, "The value of X-Line-Retry-Key header is invalid"));
      call.retry_key = normalize_retry_key(*rk);
      if (auto prev = retry_keys_.find(call.retry_key, call.now)) {
        Json body = {{"message", msg::kRetryKeyAccepted}};
        if (!prev->sent_messages.is_null()) body["sentMessages"] = prev->sent_messages;
        auto res = http::Response::json(body, 409);
        res.header("x-line-accepted-request-id", prev->request_id);
        return finish(std::move(res));
      }
    }
    auto res = fn(req, call);
    if (!call.retry_key.empty() && res.status >= 200 && res.status < 300) {
      AcceptedRequest accepted{call.request_id, nullptr, call.now};
      Json parsed = parse_stored_json(res.body);
      if (parsed.is_object() && parsed.contains("sentMessages"))
        accepted.sent_messages = parsed["sentMessages"];
      retry_keys_.accept(call.retry_key, std::move(accepted));
    }
    return finish(std::move(res));
  };
}

void Platform::set_faults(const Faults& f) {
  std::lock_guard lock(mu_);
  faults_ = f;
  slow_ = f.latency_ms > 0;
}

void Platform::set_rate_limit(const std::string& key, RateLimit limit) {
  std::lock_guard lock(mu_);
  limiter_.set(key, limit);
}

void Platform::reset() {
  sender_->clear();
  std::lock_guard lock(mu_);
  residents_.clear();
  menus_.clear();
  reply_tokens_ = ReplyTokenBook{};
  retry_keys_ = RetryKeyBook{};
  limiter_ = RateLimiter{};
  faults_ = Faults{};
  slow_ = false;
  quota_type_ = "none";
  quota_value_ = 0;
  quota_used_ = 0;
  narrowcasts_.clear();
  api_log_.clear();
  events_.clear();
  event_order_.clear();
}

// --- Virtual residents -----------------------------------------------------------------------

void Platform::remember_event(const Json& event) {
  std::string id = event.value("webhookEventId", "");
  events_[id] = event;
  event_order_.push_back(id);
  if (event_order_.size() > kEventCap) {
    events_.erase(event_order_.front());
    event_order_.pop_front();
  }
}

Json Platform::user_event(const std::string& user_id,
                          const std::function<Json(Resident&, int64_t)>& make) {
  Json event;
  {
    std::lock_guard lock(mu_);
    Resident* r = residents_.find(user_id);
    if (!r) throw ApiError::not_found("no such virtual resident: " + user_id);
    event = make(*r, clock_.now_ms());
    if (event.is_null()) return event;
    remember_event(event);
  }
  if (t_batch_capture)
    t_batch_capture->push_back(event);
  else
    sender_->enqueue(event);
  return event;
}

Json Platform::record_user_message(Resident& r, const std::string& kind, const Json& shown,
                                   const Json& event, int64_t now) {
  ChatEntry entry;
  entry.from = "user";
  entry.endpoint = kind;
  entry.request_id = event.value("webhookEventId", "");
  entry.timestamp = now;
  entry.message = shown;
  residents_.append(r, std::move(entry));
  return event;
}

Json Platform::create_resident(const Json& spec) {
  std::string user_id = spec.value("userId", "");
  if (user_id.empty()) user_id = ids::user_id();
  if (!ids::is_user_id(user_id))
    throw ApiError::bad_request("userId must match U[0-9a-f]{32}", "userId");
  {
    std::lock_guard lock(mu_);
    if (residents_.find(user_id)) throw ApiError::conflict("resident exists", "userId");
    auto& r = residents_.create(user_id, spec.value("displayName", "住民 " + user_id.substr(1, 4)));
    r.picture_url = spec.value("pictureUrl", "");
    r.status_message = spec.value("statusMessage", "");
    r.language = spec.value("language", "ja");
  }
  if (!spec.value("follow", true)) return Json{{"userId", user_id}};
  Json event = follow(user_id);
  return Json{{"userId", user_id}, {"event", event}};
}

Json Platform::follow(const std::string& user_id) {
  return user_event(user_id, [&](Resident& r, int64_t now) -> Json {
    if (r.following) return nullptr;  // LINE sends nothing when already a friend
    bool unblocked = r.ever_followed;
    r.following = r.ever_followed = true;
    r.followed_at = now;
    auto e = events::follow(r.user_id, reply_tokens_.issue(r.user_id, now), unblocked, now);
    return record_user_message(r, "follow", Json{{"type", "follow"}}, e, now);
  });
}

Json Platform::block(const std::string& user_id) {
  return user_event(user_id, [&](Resident& r, int64_t now) -> Json {
    if (!r.following) return nullptr;
    r.following = false;
    auto e = events::unfollow(r.user_id, now);
    return record_user_message(r, "unfollow", Json{{"type", "unfollow"}}, e, now);
  });
}

namespace {
void require_friend(const Resident& r) {
  // A user who blocked the account cannot message it; LINE delivers nothing.
  if (!r.following) throw ApiError(409, "not_following", "resident is not following the bot");
}
}  // namespace

Json Platform::send_text(const std::string& user_id, const std::string& text) {
  return user_event(user_id, [&](Resident& r, int64_t now) {
    require_friend(r);
    Json content = {{"type", "text"},
                    {"id", ids::message_id()},
                    {"quoteToken", ids::quote_token()},
                    {"text", text}};
    auto e = events::message(r.user_id, reply_tokens_.issue(r.user_id, now), content, now);
    return record_user_message(r, "message", content, e, now);
  });
}

Json Platform::send_postback(const std::string& user_id, const std::string& data,
                             const Json& params, const std::string& display_text) {
  return user_event(user_id, [&](Resident& r, int64_t now) {
    require_friend(r);
    auto e = events::postback(r.user_id, reply_tokens_.issue(r.user_id, now), data, params, now);
    // The chat shows displayText as the user's own bubble, as the LINE app does.
    Json shown = {{"type", "postback"}, {"data", data}};
    if (!display_text.empty()) shown["displayText"] = display_text;
    if (params.is_object()) shown["params"] = params;
    return record_user_message(r, "postback", shown, e, now);
  });
}

Json Platform::send_location(const std::string& user_id, double latitude, double longitude,
                             const std::string& title, const std::string& address) {
  return user_event(user_id, [&](Resident& r, int64_t now) {
    require_friend(r);
    Json content = {{"type", "location"},
                    {"id", ids::message_id()},
                    {"latitude", latitude},
                    {"longitude", longitude}};
    if (!title.empty()) content["title"] = title;
    if (!address.empty()) content["address"] = address;
    auto e = events::message(r.user_id, reply_tokens_.issue(r.user_id, now), content, now);
    return record_user_message(r, "message", content, e, now);
  });
}

Json Platform::send_image(const std::string& user_id, std::string bytes, std::string content_type) {
  return user_event(user_id, [&](Resident& r, int64_t now) {
    require_friend(r);
    std::string id = ids::message_id();
    residents_.store_content(id, StoredContent{content_type, std::move(bytes)});
    Json content = {{"type", "image"},
                    {"id", id},
                    {"quoteToken", ids::quote_token()},
                    {"contentProvider", {{"type", "line"}}}};
    auto e = events::message(r.user_id, reply_tokens_.issue(r.user_id, now), content, now);
    return record_user_message(r, "message", content, e, now);
  });
}

Json Platform::send_sticker(const std::string& user_id, const std::string& package_id,
                            const std::string& sticker_id) {
  return user_event(user_id, [&](Resident& r, int64_t now) {
    require_friend(r);
    Json content = {
        {"type", "sticker"},       {"id", ids::message_id()}, {"quoteToken", ids::quote_token()},
        {"packageId", package_id}, {"stickerId", sticker_id}, {"stickerResourceType", "STATIC"}};
    auto e = events::message(r.user_id, reply_tokens_.issue(r.user_id, now), content, now);
    return record_user_message(r, "message", content, e, now);
  });
}

Json Platform::received_messages(const std::string& user_id, int64_t after_seq) const {
  std::lock_guard lock(mu_);
  const Resident* r = residents_.find(user_id);
  if (!r) throw ApiError::not_found("no such virtual resident: " + user_id);
  Json out = Json::array();
  for (const auto& e : r->timeline)
    if (e.from == "bot" && e.seq > after_seq) out.push_back(e.to_json());
  return out;
}

Json Platform::with_delivery(Json event, bool wait) {
  Json out = {{"event", event}};
  if (wait && event.is_object()) {
    auto d = sender_->wait_for(event.value("webhookEventId", ""), 15000);
    out["delivery"] = d ? d->to_json(false) : Json(nullptr);
  }
  return out;
}

}  // namespace mg::linesim

namespace mg::linesim {

Json Platform::switch_rich_menu(const std::string& user_id, const std::string& alias_id,
                                const std::string& data) {
  // LINE links the alias's menu to the user, then sends a postback with the outcome.
  std::string status = "SUCCESS";
  {
    std::lock_guard lock(mu_);
    Resident* r = residents_.find(user_id);
    if (!r) throw ApiError::not_found("no such virtual resident: " + user_id);
    auto it = menus_.aliases.find(alias_id);
    if (it == menus_.aliases.end())
      status = "RICHMENU_ALIAS_ID_NOTFOUND";
    else if (!menus_.find(it->second))
      status = "RICHMENU_NOTFOUND";
    else
      r->rich_menu_id = it->second;
  }
  return send_postback(user_id, data, Json{{"newRichMenuAliasId", alias_id}, {"status", status}});
}

Json Platform::act(const std::string& user_id, const std::string& action, const Json& b) {
  auto str = [&](const char* k) { return b.contains(k) ? b[k].get<std::string>() : std::string(); };
  if (action == "follow") return follow(user_id);
  if (action == "block" || action == "unfollow") return block(user_id);
  if (action == "text") {
    if (!b.contains("text")) throw ApiError::bad_request("text is required", "text");
    return send_text(user_id, str("text"));
  }
  if (action == "postback")
    return send_postback(user_id, str("data"), b.value("params", Json(nullptr)),
                         str("displayText"));
  if (action == "location") {
    if (!b.contains("latitude") || !b.contains("longitude"))
      throw ApiError::bad_request("latitude and longitude are required", "latitude");
    return send_location(user_id, b["latitude"].get<double>(), b["longitude"].get<double>(),
                         str("title"), str("address"));
  }
  if (action == "sticker")
    return send_sticker(user_id, b.value("packageId", "446"), b.value("stickerId", "1988"));
  if (action == "image") {
    std::string bytes = crypto::base64_decode(str("base64"));
    if (bytes.empty()) throw ApiError::bad_request("base64 image bytes are required", "base64");
    return send_image(user_id, std::move(bytes), b.value("contentType", "image/jpeg"));
  }
  if (action == "richmenu-switch")
    return switch_rich_menu(user_id, str("richMenuAliasId"), str("data"));
  throw ApiError::bad_request("unknown action: " + action, "action");
}

Json Platform::send_batch(const Json& items) {
  if (!items.is_array() || items.empty())
    throw ApiError::bad_request("events must be a non-empty array", "events");
  Json captured = Json::array();
  t_batch_capture = &captured;
  try {
    for (const auto& item : items) act(item.value("userId", ""), item.value("action", ""), item);
  } catch (...) {
    t_batch_capture = nullptr;
    throw;
  }
  t_batch_capture = nullptr;
  if (!captured.empty()) sender_->enqueue_batch(captured);
  return captured;
}

}  // namespace mg::linesim
