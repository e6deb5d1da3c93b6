#include "channels/line/event_processor.h"

#include <map>
#include <set>
#include <stdexcept>

#include "channels/line/channel_settings.h"
#include "channels/line/event_shape.h"
#include "channels/line/outbox.h"
#include "channels/line/renderer.h"
#include "core/clock.h"
#include "core/json_parse.h"
#include "core/log.h"
#include "core/thread_name.h"
#include "residents/directory.h"

namespace mg::line {

namespace {

struct Claimed {
  int64_t id = 0, tenant_id = 0, received_at = 0, resident_id = 0;
  std::string user_id;
  Json event;
  std::string rejected;  // why the event cannot be answered (malformed); empty when it can
  std::optional<DownloadedPhoto> photo;
};

struct TenantInfo {
  std::string name;
  ChannelSettings settings;
  std::vector<services::ServiceSummary> services;
  Json first_menu;  // rendered on first use in this batch
};

}  // namespace

EventProcessor::EventProcessor(store::Db& db, applications::ChatService& chat,
                               services::Catalog& catalog, std::function<void()> outbox_written,
                               size_t batch)
    : db_(db),
      catalog_(catalog),
      desk_(chat),
      outbox_written_(std::move(outbox_written)),
      batch_(batch) {}

EventProcessor::~EventProcessor() { stop(); }

void EventProcessor::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    name_this_thread("mg-line-proc");
    loop();
  });
}

void EventProcessor::stop() {
  stopping_ = true;
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EventProcessor::wake() {
  {
    std::lock_guard lock(mu_);
    ++wake_seq_;
  }
  cv_.notify_all();
}

void EventProcessor::loop() {
  while (!stopping_) {
    uint64_t seen;
    {
      std::lock_guard lock(mu_);
      seen = wake_seq_;
    }
    int n = 0;
    try {
      n = run_once();
    } catch (const std::exception& e) {
      log::error("line event batch failed", {{"error", e.what()}});
    }
    if (n > 0) continue;
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(500),
                 [&] { return stopping_ || wake_seq_ != seen; });
  }
}

int EventProcessor::run_once() {
  std::map<int64_t, TenantInfo> tenants;
  // The residents with the oldest pending events, across tenants (line_events_arrival), then
  // each one's earliest pending event by LINE's timestamp (line_events_pending): one event per
  // resident per batch keeps every resident's events in order and lets a batch's answers go
  // out in parallel (the dispatcher sends one message at a time per resident). The events are
  // claimed inside the batch's write transaction below: one write transaction per batch.
  auto claimed = db_.read([&](store::Tx& tx) {
    std::vector<Claimed> out;
    auto heads = tx.query(
        "SELECT tenant_id, user_id FROM line_events WHERE status = 'pending' ORDER BY id LIMIT ?",
        {static_cast<int64_t>(batch_)});
    std::set<std::pair<int64_t, std::string>> seen;
    for (const auto& h : heads) {
      int64_t tenant = h.i64(0);
      std::string user = h.str(1);
      if (!seen.emplace(tenant, user).second) continue;
      auto row = tx.one(
          "SELECT id, body, received_at FROM line_events WHERE tenant_id = ? AND user_id = ? AND "
          "status = 'pending' ORDER BY timestamp_ms, id LIMIT 1",
          {tenant, user});
      if (!row) continue;
      if (!tenants.count(tenant)) {
        TenantInfo info;
        if (auto n = tx.one("SELECT name FROM tenants WHERE id = ?", {tenant}))
          info.name = n->str(0);
        if (auto s = load_settings(tx, tenant)) info.settings = *s;
        tenants.emplace(tenant, std::move(info));
      }
      Claimed c;
      c.id = row->i64(0);
      c.tenant_id = tenant;
      // Known residents are looked up here, outside the writer lock (ids never change);
      // new ones are created in the write transaction.
      if (auto known = residents::find(tx, tenant, "line", user)) c.resident_id = known->id;
      c.user_id = std::move(user);
      c.received_at = row->i64(2);
      c.event = parse_stored_json(row->str(1));
      // Rows stored before the webhook classified events (or by an older version) may hold
      // any shape: each is judged on its own here so it can only fail itself.
      if (c.event.is_discarded()) {
        c.rejected = "event: unreadable JSON";
      } else if (auto shape = classify_event(c.event); shape.verdict != EventVerdict::answer) {
        c.rejected = shape.reason.empty() ? "event: not answerable" : shape.reason;
      }
      out.push_back(std::move(c));
    }
    return out;
  });
  if (claimed.empty()) return 0;
  for (auto& [id, info] : tenants) info.services = catalog_.published(id);
  auto endpoint = [&](int64_t tenant) {
    const auto& t = tenants.at(tenant);
    return LineEndpoint{t.settings.api_base, t.settings.access_token};
  };
  // Network first, outside any transaction: photos residents sent.
  for (auto& c : claimed) {
    if (!c.rejected.empty()) continue;
    try {
      const Json& ev = c.event;  // classify_event checked the shape of what is read here
      if (ev.at("type") != "message" || ev.at("message").at("type") != "image") continue;
      c.photo = download_photo(endpoint(c.tenant_id), ev.at("message").value("id", std::string()));
    } catch (const std::exception& e) {
      // The desk answers "could not receive the photo"; other events are not affected.
      log::warn("line photo download failed", {{"event_id", c.id}, {"error", e.what()}});
    }
  }

  // One transaction for the batch: each event's claim, chat turn, outbox rows and status
  // commit together. A savepoint per event keeps one bad event from undoing the others.
  int handled = 0;
  int queued = 0;             // rows left for the dispatcher's coordinator to claim
  bool jobs_waiting = false;  // a FAQ answer left for a job (generative, after the commit)
  std::vector<Dispatcher::Claimed> direct;
  auto release_direct = [&] {
    if (dispatcher_) dispatcher_->release(direct);
    direct.clear();
  };
  try {
    db_.write([&](store::Tx& tx) {
      handled = 0;
      queued = 0;
      jobs_waiting = false;
      release_direct();  // a retried transaction starts over
      const std::string still_pending =
          std::string("SELECT status FROM line_events WHERE id = ?") + store::for_update(tx);
      std::map<std::pair<int64_t, std::string>, int64_t> residents;
      for (auto& c : claimed) {
        if (c.resident_id != 0) continue;
        auto key = std::make_pair(c.tenant_id, c.user_id);
        auto it = residents.find(key);
        if (it == residents.end())
          it = residents
                   .emplace(key, residents::find_or_create(tx, c.tenant_id, "line", c.user_id).id)
                   .first;
        c.resident_id = it->second;
      }
      for (const auto& c : claimed) {
        // Another process may have handled it since it was read (PostgreSQL). On SQLite there
        // is one process with one processor thread: what it read is still pending, and the
        // status update below checks it anyway.
        if (!store::single_writer(tx)) {
          auto st = tx.one(still_pending, {c.id});
          if (!st || st->str(0) != "pending") continue;
        }
        ++handled;
        if (!c.rejected.empty()) {
          // Nothing to answer: the resident (if any) is not identifiable from a malformed event.
          log::warn("line event rejected", {{"event_id", c.id}, {"reason", c.rejected}});
          tx.exec(
              "UPDATE line_events SET status = 'failed', failure_reason = ? WHERE id = ? AND "
              "status = 'pending'",
              {c.rejected, c.id});
          continue;
        }
        EventAnswer answer;
        std::string reason;
        std::string status = "done";
        tx.exec("SAVEPOINT line_event");
        try {
          if (c.event.is_discarded()) throw std::runtime_error("unreadable event");
          auto& t = tenants.at(c.tenant_id);
          ResidentContext ctx{c.tenant_id,
                              c.resident_id,
                              t.name,
                              t.settings.greeting,
                              &t.services,
                              endpoint(c.tenant_id),
                              c.photo ? &*c.photo : nullptr,
                              &t.first_menu,
                              c.user_id,
                              {},
                              0};
          if (c.event.contains("replyToken") && c.event["replyToken"].is_string()) {
            ctx.reply_token = c.event["replyToken"].get<std::string>();
            ctx.reply_token_at = c.received_at;
          }
          answer = desk_.answer(tx, c.event, ctx);
          if (answer.jobs_enqueued) jobs_waiting = true;
          if (answer.resident_status)
            residents::set_status(tx, c.tenant_id, c.resident_id, *answer.resident_status);
        } catch (const std::exception& e) {
          tx.exec("ROLLBACK TO SAVEPOINT line_event");
          log::error("line event failed", {{"event_id", c.id}, {"error", e.what()}});
          status = "failed";
          reason = std::string("handler: ") + e.what();
          if (reason.size() > 500) reason.resize(500);
          answer.messages = text_messages(
              "申し訳ありません。ただいま処理できませんでした。しばらくしてからもう一度お試しくださ"
              "い。");
        }
        OutgoingMessages out;
        out.tenant_id = c.tenant_id;
        out.user_id = c.user_id;
        out.messages = std::move(answer.messages);
        if (c.event.is_object() && c.event.contains("replyToken") &&
            c.event["replyToken"].is_string()) {
          out.reply_token = c.event["replyToken"].get<std::string>();
          out.reply_token_at = c.received_at;
        }
        std::optional<Dispatcher::Claimed> claimed_row;
        if (dispatcher_) claimed_row = dispatcher_->enqueue_claimed(tx, out, endpoint(c.tenant_id));
        if (claimed_row)
          direct.push_back(std::move(*claimed_row));
        else
          queued += enqueue_messages(tx, out);
        if (tx.exec("UPDATE line_events SET status = ?, failure_reason = ? WHERE id = ? AND "
                    "status = 'pending'",
                    {status, reason, c.id}) != 1)
          throw std::logic_error("line event handled twice");  // the batch rolls back
        tx.exec("RELEASE SAVEPOINT line_event");
      }
    });
  } catch (...) {
    release_direct();
    throw;
  }
  if (dispatcher_) dispatcher_->hand_over(std::move(direct));
  if (queued > 0 && outbox_written_) outbox_written_();
  if (jobs_waiting && jobs_written_) jobs_written_();
  // A batch whose events were all taken by another process still counts as work: read again.
  return static_cast<int>(claimed.size());
}

}  // namespace mg::line
