#include "channels/line/webhook.h"

#include "channels/line/channel_settings.h"
#include "channels/line/event_shape.h"
#include "channels/line/signature.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "core/log.h"

#include <condition_variable>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace mg::line {

namespace {

http::Response unauthorized() {
  return http::Response::error(401, "bad_signature", "署名を確認できませんでした");
}

}  // namespace

namespace {

using EventRow = WebhookEventRow;

// Parses and validates a body; throws ApiError 400 when malformed.
std::vector<EventRow> parse_events(const std::string& raw_body, int& received) {
  Json body = parse_json_or_discarded(raw_body);
  if (body.is_discarded() || !body.is_object())
    throw ApiError(400, "invalid_json", "JSON を読み取れません");
  auto events = body.find("events");
  if (events == body.end() || !events->is_array())
    throw ApiError::bad_request("events がありません", "events");
  received = static_cast<int>(events->size());
  std::vector<EventRow> rows;
  rows.reserve(events->size());
  int64_t now = clock::now_ms();
  for (const auto& e : *events) {
    // Every event is stored, a malformed one as 'failed' with its reason: the body is validly
    // signed, so LINE gets 200 (it would redeliver forever otherwise) and the record shows why.
    EventShape shape = classify_event(e);
    EventRow r;
    r.body = e.dump(-1, ' ', false, Json::error_handler_t::replace);
    r.id = shape.webhook_event_id;
    if (r.id.empty()) r.id = "sha256:" + crypto::sha256_hex(r.body);
    r.user = shape.user_id;
    r.type = shape.type;
    r.status = verdict_status(shape.verdict);
    r.reason = shape.reason;
    r.ts = shape.timestamp_ms >= 0 ? shape.timestamp_ms : now;
    rows.push_back(std::move(r));
  }
  return rows;
}

int insert_events(store::Tx& tx, int64_t tenant_id, const std::vector<EventRow>& rows,
                  int64_t now) {
  int stored = 0;
  for (const auto& r : rows)
    stored += static_cast<int>(tx.exec(
        "INSERT INTO line_events(tenant_id, webhook_event_id, user_id, event_type, timestamp_ms, "
        "body, status, failure_reason, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON "
        "CONFLICT (tenant_id, webhook_event_id) DO NOTHING",
        {tenant_id, r.id, r.user, r.type, r.ts, r.body, r.status, r.reason, now}));
  return stored;
}

// Group commit: concurrent webhook requests share one write transaction (a savepoint each),
// so the single SQLite writer commits once per group instead of once per request. Every
// request still returns only after its rows committed.
class GroupWriter {
 public:
  struct Request {
    int64_t tenant_id = 0;
    const std::vector<EventRow>* rows = nullptr;
    int stored = 0;
    std::exception_ptr error;
    bool done = false;
  };

  void write(store::Db& db, Request& req) {
    std::unique_lock lock(mu_);
    queue_.push_back(&req);
    while (!req.done) {
      if (writing_) {
        cv_.wait(lock);
        continue;
      }
      writing_ = true;
      lock.unlock();
      commit(db);
      lock.lock();
      writing_ = false;
      cv_.notify_all();
    }
    if (req.error) std::rethrow_exception(req.error);
  }

 private:
  // The group is taken once the SQLite writer lock is held, so every request that arrived while
  // waiting for it (the event processor holds it most of the time under load) joins this commit.
  void commit(store::Db& db) {
    std::vector<Request*> group;
    try {
      db.write([&](store::Tx& tx) {
        if (group.empty()) {  // a retried transaction (PostgreSQL) keeps its group
          std::lock_guard lock(mu_);
          group.swap(queue_);
        }
        int64_t now = clock::now_ms();
        for (auto* r : group) {
          r->stored = 0;
          r->error = nullptr;
          if (group.size() == 1) {
            r->stored = insert_events(tx, r->tenant_id, *r->rows, now);
            continue;
          }
          tx.exec("SAVEPOINT line_webhook");
          try {
            r->stored = insert_events(tx, r->tenant_id, *r->rows, now);
            tx.exec("RELEASE SAVEPOINT line_webhook");
          } catch (...) {
            r->error = std::current_exception();
            tx.exec("ROLLBACK TO SAVEPOINT line_webhook");
            tx.exec("RELEASE SAVEPOINT line_webhook");
          }
        }
      });
    } catch (...) {
      if (group.empty()) {  // failed before taking the group: fail those waiting now
        std::lock_guard lock(mu_);
        group.swap(queue_);
      }
      for (auto* r : group) r->error = std::current_exception();
    }
    std::lock_guard lock(mu_);
    for (auto* r : group) r->done = true;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Request*> queue_;
  bool writing_ = false;
};

GroupWriter& group_writer(store::Db& db) {
  static std::mutex mu;
  static std::map<store::Db*, std::unique_ptr<GroupWriter>> writers;
  std::lock_guard lock(mu);
  auto& w = writers[&db];
  if (!w) w = std::make_unique<GroupWriter>();
  return *w;
}

// Tenant + channel settings per webhook URL, kept briefly in memory: every webhook needs the
// secret, and reading it each time costs two read transactions. Saving the settings clears the
// cache (forget_cached_channel_settings); a signature that does not match the cached secret is
// also checked again against a fresh read, for settings changed by another process.
constexpr int64_t kSettingsTtlMs = 2000;

struct ChannelKey {
  int64_t tenant_id = 0;
  std::optional<ChannelSettings> settings;
  int64_t loaded_at = 0;
  bool cached = false;  // served from memory (may be up to kSettingsTtlMs old)
};

class SettingsCache {
 public:
  std::optional<ChannelKey> get(store::Db& db, auth::AuthService& auth, const std::string& code,
                                bool fresh) {
    int64_t now = clock::now_ms();
    auto key = std::make_pair(&db, code);
    if (!fresh) {
      std::lock_guard lock(mu_);
      auto it = entries_.find(key);
      if (it != entries_.end() && now - it->second.loaded_at < kSettingsTtlMs) {
        ChannelKey k = it->second;
        k.cached = true;
        return k;
      }
    }
    auto tenant = auth.tenant_by_code(code);
    if (!tenant) {
      std::lock_guard lock(mu_);
      entries_.erase(key);
      return std::nullopt;
    }
    ChannelKey k;
    k.tenant_id = tenant->id;
    k.settings = db.read([&](store::Tx& tx) { return load_settings(tx, tenant->id); });
    k.loaded_at = now;
    std::lock_guard lock(mu_);
    if (entries_.size() > 10'000) entries_.clear();
    entries_[key] = k;
    return k;
  }

  void clear() {
    std::lock_guard lock(mu_);
    entries_.clear();
  }

 private:
  std::mutex mu_;
  std::map<std::pair<store::Db*, std::string>, ChannelKey> entries_;
};

SettingsCache& settings_cache() {
  static SettingsCache cache;
  return cache;
}

}  // namespace

std::vector<WebhookEventRow> parse_webhook_body(const std::string& raw_body, int& received) {
  return parse_events(raw_body, received);
}

void forget_cached_channel_settings() { settings_cache().clear(); }

WebhookReceipt store_events(store::Db& db, int64_t tenant_id, const std::string& raw_body) {
  WebhookReceipt receipt;
  auto rows = parse_events(raw_body, receipt.received);
  if (rows.empty()) return receipt;
  GroupWriter::Request req;
  req.tenant_id = tenant_id;
  req.rows = &rows;
  group_writer(db).write(db, req);
  receipt.stored = req.stored;
  return receipt;
}

http::Response receive_webhook(http::Request& req, auth::AuthService& auth, store::Db& db,
                               const std::function<void()>& events_stored) {
  const std::string& code = req.params["tenant"];
  auto sig = req.header("x-line-signature");
  auto accepts = [&](const std::optional<ChannelKey>& k) {
    return k && k->settings && k->settings->configured() && sig &&
           signature_valid(k->settings->channel_secret, req.body, *sig);
  };
  auto key = settings_cache().get(db, auth, code, false);
  if (key && key->cached && !accepts(key))
    key = settings_cache().get(db, auth, code, true);  // the secret may have just changed
  if (!key) return unauthorized();
  if (!key->settings || !key->settings->configured()) return unauthorized();
  if (!accepts(key)) {
    log::warn("line webhook signature rejected", {{"tenant_id", key->tenant_id}});
    return unauthorized();
  }
  auto receipt = store_events(db, key->tenant_id, req.body);
  if (receipt.stored > 0 && events_stored) events_stored();
  return http::Response::json(Json::object());
}

}  // namespace mg::line
