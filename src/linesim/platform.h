#pragma once
// The LINE platform stand-in: Messaging API endpoints (with LINE's auth, validation, error
// bodies, rate limits, retry keys and reply-token rules), virtual residents that send signed
// webhooks, a control API under /sim and the phone page. Usable in-process: build a Request
// and call handle(); no network needed unless a webhook URL is set.
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "core/http.h"
#include "core/router.h"
#include "linesim/rate_limiter.h"
#include "linesim/reply_tokens.h"
#include "linesim/residents.h"
#include "linesim/retry_keys.h"
#include "linesim/rich_menus.h"
#include "linesim/webhook_sender.h"

namespace mg::linesim {

struct Config {
  std::string webhook_url;
  std::string channel_secret = "linesim-channel-secret";
  std::string access_token;  // the valid Bearer token; empty accepts any non-empty token
  bool redelivery = false;
  std::string state_dir;  // optional: residents and rich menus survive restarts
  unsigned webhook_threads = 1;
  Transport transport;  // how webhooks are posted; defaults to mg::http::send
};

// Switches that make the next API calls misbehave, for testing a bot's error handling.
struct Faults {
  int fail_500 = 0;        // next N Messaging API calls answer 500
  int rate_limit_429 = 0;  // next N Messaging API calls answer 429
  int64_t latency_ms = 0;  // added to every Messaging API call
  Json to_json() const;
};

class Platform {
 public:
  // The platform's time follows `clock` moved by what POST /sim/clock sets (its own offset;
  // the rest of the process keeps its time).
  explicit Platform(Config config, const Clock& clock = system_clock());
  ~Platform();
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  // Thread-safe; the HTTP server calls it from its worker pool, or from a network thread
  // when runs_inline() says the request cannot block.
  http::Response handle(http::Request& req);
  // Messaging API calls only touch memory, unless a latency fault is set; /sim calls may
  // wait for webhook deliveries and must stay off the network threads.
  bool runs_inline(const http::Request& req) const;

  // --- Virtual residents (the same operations the /sim control API offers) ---
  // Each returns the webhook event it queued (with replyToken when the event has one).
  Json create_resident(const Json& spec);  // {displayName?, userId?, follow?: true}
  Json follow(const std::string& user_id);
  Json block(const std::string& user_id);
  Json send_text(const std::string& user_id, const std::string& text);
  Json send_postback(const std::string& user_id, const std::string& data,
                     const Json& params = nullptr, const std::string& display_text = {});
  Json send_location(const std::string& user_id, double latitude, double longitude,
                     const std::string& title = {}, const std::string& address = {});
  Json send_image(const std::string& user_id, std::string bytes, std::string content_type);
  Json send_sticker(const std::string& user_id, const std::string& package_id,
                    const std::string& sticker_id);
  // One resident action by name: follow, block, text {text}, postback {data, params?,
  // displayText?}, location {latitude, longitude, title?, address?}, sticker {packageId,
  // stickerId}, image {base64, contentType?}, richmenu-switch {richMenuAliasId, data}.
  Json act(const std::string& user_id, const std::string& action, const Json& body);
  // Several actions whose events travel together in one webhook body, in the given order.
  // items: [{"userId", "action", ...action fields}]. Returns the events.
  Json send_batch(const Json& items);
  // All messages the bot sent to the user (reply/push/multicast/...), oldest first.
  Json received_messages(const std::string& user_id, int64_t after_seq = 0) const;

  WebhookSender& webhooks() { return *sender_; }
  const Clock& clock() const { return clock_; }
  const std::string& bot_user_id() const { return bot_user_id_; }
  void set_faults(const Faults& f);
  void set_rate_limit(const std::string& key, RateLimit limit);
  void reset();  // forget residents, menus, tokens, keys, counters and faults

 private:
  struct ApiCall {
    std::string request_id;
    std::string retry_key;  // normalised, empty when absent
    int64_t now = 0;
  };
  using ApiFn = std::function<http::Response(http::Request&, ApiCall&)>;
  // Wraps a Messaging API endpoint with LINE's common behaviour; fn runs under the lock.
  http::Handler api(const std::string& method, const std::string& pattern, bool accepts_retry_key,
                    ApiFn fn);
  void add_api(const std::string& method, const std::string& pattern, bool accepts_retry_key,
               ApiFn fn);

  void add_messaging_routes();
  void add_rich_menu_routes();
  void add_control_routes();
  void add_phone_routes();

  // Messaging helpers (lock held).
  http::Response send_messages(const std::string& endpoint, const Json& body, ApiCall& call);
  Json deliver(Resident& r, const std::string& endpoint, Json messages, ApiCall& call,
               bool notification_disabled);
  std::string effective_rich_menu(const Resident& r) const;

  // Resident actions (lock taken inside); queue the event and return it.
  Json user_event(const std::string& user_id, const std::function<Json(Resident&, int64_t)>& make);
  Json record_user_message(Resident& r, const std::string& kind, const Json& shown,
                           const Json& event, int64_t now);
  Json with_delivery(Json event, bool wait);
  Json switch_rich_menu(const std::string& user_id, const std::string& alias_id,
                        const std::string& data);

  void remember_event(const Json& event);
  void save_state() const;  // lock held
  void load_state();

  Config config_;
  SettableClock clock_;  // before sender_, which reads it
  std::string bot_user_id_;
  http::Router router_;

  mutable std::mutex mu_;
  ResidentBook residents_;
  RichMenuBook menus_;
  ReplyTokenBook reply_tokens_;
  RetryKeyBook retry_keys_;
  RateLimiter limiter_;
  Faults faults_;
  std::atomic<bool> slow_{false};  // faults_.latency_ms > 0, read without the lock
  std::string quota_type_ = "none";
  int64_t quota_value_ = 0;
  int64_t quota_used_ = 0;
  std::map<std::string, Json> narrowcasts_;  // request ID -> progress
  std::deque<Json> api_log_;                 // recent Messaging API calls, for tests
  int64_t api_seq_ = 0;
  std::map<std::string, Json> events_;  // webhookEventId -> event, for redelivery
  std::deque<std::string> event_order_;

  // Last member: destroyed first, so its threads stop before the state they touch goes away.
  std::unique_ptr<WebhookSender> sender_;
};

}  // namespace mg::linesim
