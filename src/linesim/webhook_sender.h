#pragma once
// Delivers webhook events to the bot from background threads, so control API calls return
// at once. Signs each body like LINE, records what the bot answered, and can batch, shuffle,
// hold back and redeliver events to exercise a bot's robustness.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/http_client.h"
#include "core/json.h"

namespace mg::linesim {

using Transport = std::function<http::ClientResponse(const http::ClientRequest&)>;

struct SenderSettings {
  std::string webhook_url;
  std::string channel_secret;
  std::string destination;             // the bot's user ID
  bool redelivery = false;             // resend failed deliveries with isRedelivery=true
  int redelivery_attempts = 3;         // extra attempts after the first
  int64_t redelivery_delay_ms = 1000;  // grows linearly with the attempt number
  std::size_t batch_size = 1;          // events per webhook when several are queued
  bool shuffle = false;                // deliver queued batches and their events out of order
  bool hold = false;                   // queue events until flush()
  long timeout_ms = 10000;
  Json to_json() const;
  void apply(const Json& patch);  // camelCase keys as in to_json()
};

struct Delivery {
  int64_t seq = 0;
  std::vector<std::string> event_ids;
  bool is_redelivery = false;
  int attempt = 1;
  int status = 0;     // HTTP status from the bot; 0 on transport failure
  std::string error;  // transport error
  int64_t sent_at = 0;
  int64_t duration_ms = 0;
  std::string body;       // exact bytes posted
  std::string signature;  // x-line-signature sent
  Json to_json(bool with_body) const;
};

class WebhookSender {
 public:
  // on_send runs just before each POST with the events in it (reply-token bookkeeping).
  // Delivery times and redelivery delays follow `clock`.
  WebhookSender(Transport transport, std::function<void(const Json& events)> on_send,
                unsigned threads = 1, const Clock& clock = system_clock());
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  void configure(const std::function<void(SenderSettings&)>& edit);
  SenderSettings settings() const;

  // One event; may be merged with other queued single events up to batch_size.
  void enqueue(Json event);
  // Several events that must travel together in one webhook body.
  void enqueue_batch(Json events);
  // Sends an earlier event again with deliveryContext.isRedelivery = true.
  void redeliver(Json event);
  // Releases everything queued while hold is on.
  void flush();

  // Deliveries with seq > after, oldest first.
  std::vector<Delivery> deliveries(int64_t after, std::size_t limit = 1000) const;
  // Waits until an event has been attempted; returns the latest attempt for it.
  std::optional<Delivery> wait_for(const std::string& event_id, int64_t timeout_ms) const;
  // Waits until nothing is queued or in flight (ignoring held events when hold is on).
  bool wait_idle(int64_t timeout_ms) const;
  std::size_t queued() const;
  void clear();

 private:
  struct Batch {
    Json events = Json::array();
    bool mergeable = false;
    int attempt = 1;
    bool released = false;  // flushed while held
    int64_t not_before_ms = 0;
  };
  void run();
  std::optional<Batch> take(std::unique_lock<std::mutex>& lock);
  void deliver(Batch batch);

  Transport transport_;
  std::function<void(const Json&)> on_send_;
  const Clock& clock_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;       // work arrived / stop
  mutable std::condition_variable done_cv_;  // a delivery was recorded
  SenderSettings settings_;
  std::deque<Batch> queue_;
  std::deque<Delivery> log_;
  std::unordered_map<std::string, int64_t> last_seq_by_event_;
  int64_t seq_ = 0;
  int in_flight_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace mg::linesim
