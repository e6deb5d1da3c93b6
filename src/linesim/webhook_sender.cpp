#include "linesim/webhook_sender.h"

#include <algorithm>
#include <chrono>
#include <random>

#include "core/clock.h"
#include "core/json_parse.h"
#include "core/log.h"
#include "linesim/signature.h"

namespace mg::linesim {

namespace {
constexpr std::size_t kLogCap = 20000;

std::mt19937& rng() {
  thread_local std::mt19937 r{std::random_device{}()};
  return r;
}
}  // namespace

Json SenderSettings::to_json() const {
  return Json{{"webhookUrl", webhook_url},
              {"redelivery", redelivery},
              {"redeliveryAttempts", redelivery_attempts},
              {"redeliveryDelayMs", redelivery_delay_ms},
              {"batchSize", batch_size},
              {"shuffle", shuffle},
              {"hold", hold},
              {"timeoutMs", timeout_ms},
              {"destination", destination}};
}

void SenderSettings::apply(const Json& p) {
  if (p.contains("webhookUrl")) webhook_url = p["webhookUrl"].get<std::string>();
  if (p.contains("channelSecret")) channel_secret = p["channelSecret"].get<std::string>();
  if (p.contains("redelivery")) redelivery = p["redelivery"].get<bool>();
  if (p.contains("redeliveryAttempts")) redelivery_attempts = p["redeliveryAttempts"].get<int>();
  if (p.contains("redeliveryDelayMs")) redelivery_delay_ms = p["redeliveryDelayMs"].get<int64_t>();
  if (p.contains("batchSize"))
    batch_size = std::max<std::size_t>(1, p["batchSize"].get<std::size_t>());
  if (p.contains("shuffle")) shuffle = p["shuffle"].get<bool>();
  if (p.contains("hold")) hold = p["hold"].get<bool>();
  if (p.contains("timeoutMs")) timeout_ms = p["timeoutMs"].get<long>();
}

Json Delivery::to_json(bool with_body) const {
  Json j = {{"seq", seq},
            {"webhookEventIds", event_ids},
            {"isRedelivery", is_redelivery},
            {"attempt", attempt},
            {"status", status},
            {"sentAt", sent_at},
            {"durationMs", duration_ms}};
  if (!error.empty()) j["error"] = error;
  if (with_body) {
    j["body"] = parse_stored_json(body);
    j["signature"] = signature;
  }
  return j;
}

WebhookSender::WebhookSender(Transport transport, std::function<void(const Json&)> on_send,
                             unsigned threads, const Clock& clock)
    : transport_(std::move(transport)), on_send_(std::move(on_send)), clock_(clock) {
  for (unsigned i = 0; i < std::max(1u, threads); ++i) threads_.emplace_back([this] { run(); });
}

WebhookSender::~WebhookSender() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void WebhookSender::configure(const std::function<void(SenderSettings&)>& edit) {
  {
    std::lock_guard lock(mu_);
    edit(settings_);
  }
  cv_.notify_all();
}

SenderSettings WebhookSender::settings() const {
  std::lock_guard lock(mu_);
  return settings_;
}

void WebhookSender::enqueue(Json event) {
  {
    std::lock_guard lock(mu_);
    Batch b;
    b.events.push_back(std::move(event));
    b.mergeable = true;
    queue_.push_back(std::move(b));
  }
  cv_.notify_one();
}

void WebhookSender::enqueue_batch(Json events) {
  {
    std::lock_guard lock(mu_);
    Batch b;
    b.events = std::move(events);
    queue_.push_back(std::move(b));
  }
  cv_.notify_one();
}

void WebhookSender::redeliver(Json event) {
  event["deliveryContext"]["isRedelivery"] = true;
  {
    std::lock_guard lock(mu_);
    Batch b;
    b.events.push_back(std::move(event));
    b.attempt = 2;
    queue_.push_back(std::move(b));
  }
  cv_.notify_one();
}

void WebhookSender::flush() {
  {
    std::lock_guard lock(mu_);
    for (auto& b : queue_) b.released = true;
  }
  cv_.notify_all();
}

std::size_t WebhookSender::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void WebhookSender::clear() {
  std::lock_guard lock(mu_);
  queue_.clear();
  log_.clear();
  last_seq_by_event_.clear();
}

std::optional<WebhookSender::Batch> WebhookSender::take(std::unique_lock<std::mutex>& lock) {
  while (true) {
    if (stopping_) return std::nullopt;
    int64_t now = clock_.now_ms();
    int64_t next_due = INT64_MAX;
    std::vector<std::size_t> ready;
    for (std::size_t i = 0; i < queue_.size(); ++i) {
      const auto& b = queue_[i];
      if (settings_.hold && !b.released) continue;
      if (b.not_before_ms > now) {
        next_due = std::min(next_due, b.not_before_ms);
        continue;
      }
      ready.push_back(i);
    }
    if (!ready.empty()) {
      std::size_t pick = ready.front();
      if (settings_.shuffle)
        pick = ready[std::uniform_int_distribution<std::size_t>(0, ready.size() - 1)(rng())];
      Batch batch = std::move(queue_[pick]);
      queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(pick));
      // Merge further ready single events into this webhook, up to batch_size.
      if (batch.mergeable) {
        for (std::size_t i = 0; i < queue_.size() && batch.events.size() < settings_.batch_size;) {
          auto& b = queue_[i];
          bool ok = b.mergeable && b.not_before_ms <= now && (!settings_.hold || b.released) &&
                    b.attempt == batch.attempt;
          if (ok) {
            for (auto& e : b.events) batch.events.push_back(std::move(e));
            queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(i));
          } else {
            ++i;
          }
        }
      }
      if (settings_.shuffle) std::shuffle(batch.events.begin(), batch.events.end(), rng());
      return batch;
    }
    if (next_due == INT64_MAX)
      cv_.wait(lock);
    else
      cv_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(1, next_due - now)));
  }
}

void WebhookSender::run() {
  std::unique_lock lock(mu_);
  while (true) {
    auto batch = take(lock);
    if (!batch) return;
    ++in_flight_;
    lock.unlock();
    deliver(std::move(*batch));
    lock.lock();
    --in_flight_;
    done_cv_.notify_all();
  }
}

void WebhookSender::deliver(Batch batch) {
  SenderSettings s = settings();
  if (on_send_) on_send_(batch.events);
  Delivery d;
  d.attempt = batch.attempt;
  d.is_redelivery = batch.attempt > 1;
  for (const auto& e : batch.events) d.event_ids.push_back(e.value("webhookEventId", ""));
  d.body = Json{{"destination", s.destination}, {"events", batch.events}}.dump(
      -1, ' ', false, Json::error_handler_t::replace);
  d.signature = webhook_signature(s.channel_secret, d.body);
  d.sent_at = clock_.now_ms();
  if (s.webhook_url.empty()) {
    d.error = "no webhook URL configured";
  } else {
    http::ClientRequest req;
    req.method = "POST";
    req.url = s.webhook_url;
    req.timeout_ms = s.timeout_ms;
    req.body = d.body;
    req.headers = {{"Content-Type", "application/json; charset=utf-8"},
                   {"User-Agent", "LineBotWebhook/2.0"},
                   {"x-line-signature", d.signature}};
    auto res = transport_(req);
    d.status = res.status;
    d.error = res.error;
  }
  d.duration_ms = clock_.now_ms() - d.sent_at;
  if (d.status != 200)
    log::warn("linesim webhook not accepted", {{"status", d.status}, {"attempt", d.attempt}});

  std::lock_guard lock(mu_);
  d.seq = ++seq_;
  for (const auto& id : d.event_ids) last_seq_by_event_[id] = d.seq;
  bool retry = d.status != 200 && s.redelivery && batch.attempt <= s.redelivery_attempts &&
               !s.webhook_url.empty();
  log_.push_back(std::move(d));
  if (log_.size() > kLogCap) log_.pop_front();
  if (retry) {
    // LINE keeps webhookEventId and timestamp, and flags the event as redelivered.
    for (auto& e : batch.events) e["deliveryContext"]["isRedelivery"] = true;
    batch.not_before_ms = clock_.now_ms() + s.redelivery_delay_ms * batch.attempt;
    ++batch.attempt;
    batch.released = true;
    queue_.push_back(std::move(batch));
    cv_.notify_one();
  }
}

std::vector<Delivery> WebhookSender::deliveries(int64_t after, std::size_t limit) const {
  std::lock_guard lock(mu_);
  std::vector<Delivery> out;
  for (const auto& d : log_) {
    if (d.seq <= after) continue;
    out.push_back(d);
    if (out.size() >= limit) break;
  }
  return out;
}

std::optional<Delivery> WebhookSender::wait_for(const std::string& event_id,
                                                int64_t timeout_ms) const {
  std::unique_lock lock(mu_);
  auto found = [&] { return last_seq_by_event_.count(event_id) > 0; };
  if (!done_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), found)) return std::nullopt;
  int64_t seq = last_seq_by_event_.at(event_id);
  for (auto it = log_.rbegin(); it != log_.rend(); ++it)
    if (it->seq == seq) return *it;
  return std::nullopt;
}

bool WebhookSender::wait_idle(int64_t timeout_ms) const {
  std::unique_lock lock(mu_);
  return done_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
    if (in_flight_ > 0) return false;
    for (const auto& b : queue_)
      if (!settings_.hold || b.released) return false;
    return true;
  });
}

}  // namespace mg::linesim
