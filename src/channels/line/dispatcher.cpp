#include "channels/line/dispatcher.h"

#include <algorithm>
#include <map>
#include <random>

#include "channels/line/channel_settings.h"
#include "channels/line/line_limits.h"
#include "channels/line/multicast.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/thread_name.h"

namespace mg::line {

namespace {

int64_t retry_delay_ms(int attempts) {
  int64_t base = 1000LL << std::min(attempts - 1, 8);  // 1 s, 2 s, ... ~4 min
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return base + static_cast<int64_t>(rng() % static_cast<uint64_t>(base / 5 + 1));
}

// One message at a time per resident: rows are keyed by tenant and LINE user.
std::string user_key(int64_t tenant_id, const std::string& user_id) {
  return std::to_string(tenant_id) + ":" + user_id;
}

}  // namespace

Dispatcher::Dispatcher(store::Db& db, int threads, DispatchTiming timing)
    : db_(db),
      threads_(std::max(1, threads)),
      timing_(timing),
      pacing_(timing.multicast_per_second) {}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::start() {
  if (!workers_.empty()) return;
  if (store::single_writer(db_)) {
    // SQLite has one process: rows left 'sending' by a killed predecessor are ours to resume
    // now. They go back to 'pending' keeping endpoint and attempts, which is what tells claim()
    // that an earlier reply may have arrived. (The IN term matches the partial index
    // line_outbox_due / line_outbox_multicast_due, so no full scan.)
    db_.write([](store::Tx& tx) {
      tx.exec(
          "UPDATE line_outbox SET status = 'pending', sent_at = NULL WHERE status IN ('pending', "
          "'sending') AND recipients IS NULL AND status = 'sending'");
      // Campaign batches likewise; resent with the same retry key, LINE answers 409.
      tx.exec(
          "UPDATE line_outbox SET status = 'pending', sent_at = NULL WHERE status IN ('pending', "
          "'sending') AND recipients IS NOT NULL AND status = 'sending'");
    });
  }
  stopping_ = false;
  // Several processes share a PostgreSQL outbox; the in-memory "in flight" set is only the
  // whole truth when this process is the only sender.
  accepting_direct_ = store::single_writer(db_);
  client_ = std::make_unique<http::ConcurrentClient>(threads_);
  workers_.emplace_back([this] {
    name_this_thread("mg-line-coord");
    coordinate();
  });
}

void Dispatcher::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    accepting_direct_ = false;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
  // Requests on the wire finish; those not started come back as not sent.
  if (client_) client_->stop();
  // Record what was sent; hand rows nobody sent yet back as they were (no attempt was made).
  std::vector<Result> done;
  std::vector<Claimed> unsent;
  {
    std::lock_guard lock(mu_);
    done.swap(results_);
    unsent.swap(unsent_);
  }
  if (!done.empty() || !unsent.empty()) {
    try {
      db_.write([&](store::Tx& tx) {
        finish(tx, done);
        for (const auto& c : unsent)
          tx.exec(
              "UPDATE line_outbox SET status = ?, attempts = attempts - 1, endpoint = ?, sent_at = "
              "? WHERE id = ? AND status = 'sending' AND attempts = ?",
              {c.prior_status, c.prior_endpoint,
               c.prior_not_before ? store::Value(*c.prior_not_before) : store::Value(nullptr), c.id,
               int64_t{c.attempts}});
      });
    } catch (const std::exception& e) {
      // The leases expire (or are taken over at the next start on SQLite): nothing is lost.
      log::error("line dispatch stop failed", {{"error", e.what()}});
    }
  }
  std::lock_guard lock(mu_);
  in_flight_.clear();
  held_.clear();
  lost_.clear();
  unfinished_ = 0;
}

void Dispatcher::hold(const Claimed& c) { held_[c.id] = Held{c.attempts, c.lease_until}; }

bool Dispatcher::holds_lease(int64_t id, int attempts) {
  std::lock_guard lock(mu_);
  auto it = held_.find(id);
  return it != held_.end() && it->second.attempts == attempts &&
         clock_->now_ms() + timing_.lease_margin_ms < it->second.lease_until;
}

void Dispatcher::renew_leases(store::Tx& tx, const std::vector<std::pair<int64_t, int>>& rows,
                              std::vector<int64_t>& renewed, std::vector<int64_t>& lost) {
  int64_t until = clock_->now_ms() + timing_.lease_ms;
  for (const auto& [id, attempts] : rows) {
    // The attempts count is the fencing token: a row another process claimed since has a
    // higher one, and stays theirs.
    if (tx.exec("UPDATE line_outbox SET sent_at = ? WHERE id = ? AND status = 'sending' AND "
                "attempts = ?",
                {until, id, int64_t{attempts}}) == 1)
      renewed.push_back(id);
    else
      lost.push_back(id);
  }
}

std::optional<Dispatcher::Claimed> Dispatcher::enqueue_claimed(store::Tx& tx,
                                                               const OutgoingMessages& out,
                                                               const LineEndpoint& line) {
  if (!accepting_direct_ || line.access_token.empty() || !out.messages.is_array() ||
      out.messages.empty() || out.messages.size() > kMaxMessagesPerRequest)
    return std::nullopt;
  std::string key = user_key(out.tenant_id, out.user_id);
  {
    std::lock_guard lock(mu_);
    if (!accepting_direct_ || in_flight_.count(key)) return std::nullopt;
    in_flight_.insert(key);  // reserved: the coordinator will not claim this resident's rows
  }
  auto give_back = [&] {
    std::lock_guard lock(mu_);
    in_flight_.erase(key);
  };
  try {
    // Rows already waiting for this resident (backing off, or queued behind another) go first.
    if (tx.one("SELECT 1 FROM line_outbox WHERE tenant_id = ? AND user_id = ? AND status IN "
               "('pending', 'sending') LIMIT 1",
               {out.tenant_id, out.user_id})) {
      give_back();
      return std::nullopt;
    }
    int64_t now = clock_->now_ms();
    Claimed c;
    c.user_key = key;
    c.user_id = out.user_id;
    c.retry_key = new_retry_key();
    c.messages = out.messages.dump();
    c.attempts = 1;
    c.line = line;
    c.prior_status = "pending";
    c.lease_until = now + timing_.lease_ms;
    bool has_token = out.reply_token && !out.reply_token->empty();
    if (has_token) c.reply_token = *out.reply_token;
    c.endpoint = has_token && now - out.reply_token_at < timing_.reply_fresh_ms ? "reply" : "push";
    // As claim() would leave it: 'sending' under a lease, the endpoint recorded before sending.
    c.id = tx.insert_id(
        "INSERT INTO line_outbox(tenant_id, user_id, reply_token, reply_token_at, messages, "
        "retry_key, status, endpoint, attempts, created_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, "
        "'sending', ?, 1, ?, ?) RETURNING id",
        {out.tenant_id, out.user_id,
         has_token ? store::Value(c.reply_token) : store::Value(nullptr),
         has_token ? store::Value(out.reply_token_at) : store::Value(nullptr), c.messages,
         c.retry_key, c.endpoint, now, now + timing_.lease_ms});
    return c;
  } catch (...) {
    give_back();
    throw;
  }
}

void Dispatcher::hand_over(std::vector<Claimed> rows) {
  if (rows.empty()) return;
  {
    std::lock_guard lock(mu_);
    unfinished_ += rows.size();
    for (const auto& c : rows) hold(c);
  }
  send_async(std::move(rows));
}

void Dispatcher::release(const std::vector<Claimed>& rows) {
  std::lock_guard lock(mu_);
  for (const auto& c : rows) in_flight_.erase(c.user_key);
}

void Dispatcher::wake() {
  {
    std::lock_guard lock(mu_);
    ++wake_seq_;
  }
  cv_.notify_all();
}

http::ClientRequest Dispatcher::request_for(const Claimed& c) {
  if (c.endpoint == "multicast")
    return multicast_message_request(c.line, c.recipients, c.messages, c.retry_key);
  return c.endpoint == "reply" ? reply_message_request(c.line, c.reply_token, c.messages)
                               : push_message_request(c.line, c.user_id, c.messages, c.retry_key);
}

Dispatcher::Result Dispatcher::send_one(Claimed c) {
  auto r = http::send(request_for(c));
  auto outcome = classify_response(c.endpoint, r, c.earlier_reply_uncertain);
  return {std::move(c), std::move(outcome)};
}

void Dispatcher::send_async(std::vector<Claimed> rows) {
  // One process (SQLite) holds every row for good; with several, a row whose lease ran out
  // may be another process's by now, so the lease is checked right before the request leaves.
  bool shared = !store::single_writer(db_);
  for (auto& row : rows) {
    auto req = request_for(row);
    if (shared)
      req.may_start = [this, id = row.id, attempts = row.attempts] {
        return holds_lease(id, attempts);
      };
    auto c = std::make_shared<Claimed>(std::move(row));
    client_->submit(std::move(req), [this, c](http::ClientResponse r) {
      if (r.not_sent) {
        {
          std::lock_guard lock(mu_);
          // Stopping: handed back unsent. Otherwise the lease ran out before the start: the
          // row is left as it is, for whoever claims it next.
          (stopping_ ? unsent_ : lost_).push_back(std::move(*c));
        }
        cv_.notify_all();
        return;
      }
      auto outcome = classify_response(c->endpoint, r, c->earlier_reply_uncertain);
      {
        std::lock_guard lock(mu_);
        results_.emplace_back(std::move(*c), std::move(outcome));
      }
      cv_.notify_all();
    });
  }
}

// One round = one write transaction: record the results senders handed back, then claim rows
// for the free sender capacity. Rounds follow each other as fast as the transactions go, so
// under load each one carries many rows.
void Dispatcher::coordinate() {
  const size_t cap =
      timing_.max_in_flight ? timing_.max_in_flight : static_cast<size_t>(threads_) * 8;
  std::vector<Result> done;
  while (!stopping_) {
    uint64_t seen;
    size_t room;
    std::set<std::string> busy;
    std::vector<std::pair<int64_t, int>> renew;
    int64_t now = clock_->now_ms();
    {
      std::lock_guard lock(mu_);
      seen = wake_seq_;
      for (auto& r : results_) done.push_back(std::move(r));
      results_.clear();
      for (const auto& c : lost_) {
        in_flight_.erase(c.user_key);
        held_.erase(c.id);
        --unfinished_;
        log::warn("line message not sent: lease lost", {{"outbox_id", c.id}});
      }
      lost_.clear();
      room = cap > unfinished_ - done.size() ? cap - (unfinished_ - done.size()) : 0;
      busy = in_flight_;
      if (now >= next_heartbeat_ && !store::single_writer(db_)) {
        next_heartbeat_ = now + timing_.heartbeat_ms / 2;
        std::set<int64_t> finishing;
        for (const auto& [c, o] : done) finishing.insert(c.id);
        // Rows held for more than a heartbeat whose lease has not run out yet.
        for (const auto& [id, h] : held_)
          if (!finishing.count(id) && h.lease_until > now &&
              h.lease_until - now <= timing_.lease_ms - timing_.heartbeat_ms)
            renew.emplace_back(id, h.attempts);
      }
    }
    for (const auto& [c, o] : done) busy.erase(c.user_key);
    std::vector<Claimed> got;
    std::vector<int64_t> renewed, lost;
    try {
      std::lock_guard claim_lock(claim_mu_);
      got = db_.write([&](store::Tx& tx) {
        renewed.clear();
        lost.clear();
        finish(tx, done);
        renew_leases(tx, renew, renewed, lost);
        return room > 0 ? claim(tx, room, busy) : std::vector<Claimed>{};
      });
    } catch (const std::exception& e) {
      log::error("line dispatch failed", {{"error", e.what()}});
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(200), [&] { return stopping_.load(); });
      continue;  // `done` is kept and recorded next round
    }
    {
      std::lock_guard lock(mu_);
      for (const auto& [c, o] : done) {
        in_flight_.erase(c.user_key);
        held_.erase(c.id);
      }
      unfinished_ -= done.size();
      for (auto& c : got) {
        in_flight_.insert(c.user_key);
        hold(c);
      }
      unfinished_ += got.size();
      for (int64_t id : renewed)
        if (auto it = held_.find(id); it != held_.end())
          it->second.lease_until = now + timing_.lease_ms;
      // Taken over by another process: never started here (holds_lease refuses it now); if
      // its request is already on the wire, finish() records nothing for it.
      for (int64_t id : lost)
        if (auto it = held_.find(id); it != held_.end()) it->second.lease_until = 0;
    }
    done.clear();
    if (!got.empty()) {
      send_async(std::move(got));
      continue;
    }
    // Nothing new claimed: let results gather a moment so one round records many of them.
    std::unique_lock lock(mu_);
    size_t want = std::max<size_t>(1, std::min(unfinished_, static_cast<size_t>(threads_)) / 4);
    cv_.wait_for(lock, std::chrono::milliseconds(unfinished_ ? 5 : 200),
                 [&] { return stopping_ || wake_seq_ != seen || results_.size() >= want; });
  }
  // Results not recorded yet (a failed last round) go back for stop() to record.
  std::lock_guard lock(mu_);
  for (auto& r : done) results_.push_back(std::move(r));
}

std::vector<Dispatcher::Claimed> Dispatcher::claim(size_t limit) {
  std::lock_guard claim_lock(claim_mu_);
  std::set<std::string> busy;
  {
    std::lock_guard lock(mu_);
    busy = in_flight_;
  }
  auto claimed = db_.write([&](store::Tx& tx) { return claim(tx, limit, busy); });
  std::lock_guard lock(mu_);
  for (const auto& c : claimed) {
    in_flight_.insert(c.user_key);
    hold(c);
  }
  return claimed;
}

std::vector<Dispatcher::Claimed> Dispatcher::claim(store::Tx& tx, size_t limit,
                                                   std::set<std::string>& busy) {
  int64_t now = clock_->now_ms();
  if (now - watermark_reset_at_ > 10'000) {
    // Ids can commit out of order on PostgreSQL; rescanning from the start now and then
    // picks up a row that committed below the watermark.
    watermark_ = 0;
    watermark_reset_at_ = now;
  }
  std::vector<Claimed> out;
  std::map<int64_t, std::optional<ChannelSettings>> settings;
  bool first = true;
  // The scan reads only what decides; the message bodies are read for the chosen rows. On
  // SQLite every 'sending' row is this process's own (in flight, its resident in `busy`), so
  // the scan skips them; on PostgreSQL another process's rows keep their residents busy and
  // expired leases are taken over.
  const char* scan =
      store::single_writer(db_)
          ? "SELECT id, tenant_id, user_id, status, sent_at FROM line_outbox WHERE id >= ? AND "
            "status IN ('pending', 'sending') AND recipients IS NULL AND status = 'pending' ORDER "
            "BY id LIMIT 2000"
          : "SELECT id, tenant_id, user_id, status, sent_at FROM line_outbox WHERE id >= ? AND "
            "status IN ('pending', 'sending') AND recipients IS NULL ORDER BY id LIMIT 2000";
  auto heads = tx.query(scan, {watermark_});
  for (const auto& h : heads) {
    if (first) watermark_ = h.i64(0);
    first = false;
    if (out.size() >= limit) break;
    std::string key = user_key(h.i64(1), h.str(2));
    if (busy.count(key)) continue;
    busy.insert(key);  // later rows of this resident wait for this one
    int64_t not_before = h.is_null(4) ? 0 : h.i64(4);
    if (not_before > now) continue;  // backing off, or leased by a live sender
    auto full = tx.one(
        "SELECT id, tenant_id, user_id, reply_token, reply_token_at, messages, retry_key, status, "
        "endpoint, attempts, sent_at FROM line_outbox WHERE id = ?",
        {h.i64(0)});
    if (!full) continue;
    const auto& r = *full;
    std::string status = r.str(7);
    Claimed c;
    c.id = r.i64(0);
    c.user_key = key;
    c.user_id = r.str(2);
    c.retry_key = r.str(6);
    c.messages = r.str(5);
    c.attempts = static_cast<int>(r.i64(9)) + 1;
    std::string prior = r.str(8);
    c.prior_status = status;
    c.prior_endpoint = prior;
    if (!r.is_null(10)) c.prior_not_before = r.i64(10);
    c.earlier_reply_uncertain = prior == "reply" && r.i64(9) > 0;
    int64_t age = now - (r.is_null(4) ? 0 : r.i64(4));
    int64_t lim = c.earlier_reply_uncertain ? timing_.uncertain_reply_ms : timing_.reply_fresh_ms;
    bool reply = !r.str(3).empty() && prior != "push" && age < lim;
    c.endpoint = reply ? "reply" : "push";
    c.reply_token = r.str(3);
    auto found = settings.find(r.i64(1));
    if (found == settings.end())
      found = settings.emplace(r.i64(1), load_settings(tx, r.i64(1))).first;
    const auto& s = found->second;
    if (!s || s->access_token.empty()) {
      tx.exec("UPDATE line_outbox SET status = 'failed', last_error = ?, sent_at = ? WHERE id = ?",
              {"LINE channel not configured", now, c.id});
      continue;
    }
    c.line = LineEndpoint{s->api_base, s->access_token};
    c.lease_until = now + timing_.lease_ms;
    // The endpoint is recorded before sending: after a crash it tells us a reply may have
    // reached LINE (see send_outcome.h).
    int64_t changed = tx.exec(
        "UPDATE line_outbox SET status = 'sending', attempts = attempts + 1, endpoint = ?, "
        "sent_at = ? WHERE id = ? AND status = ? AND attempts = ?",
        {c.endpoint, now + timing_.lease_ms, c.id, status, r.i64(9)});
    if (changed == 1) out.push_back(std::move(c));
  }
  if (out.size() < limit) claim_multicast(tx, limit, busy, out);
  return out;
}

// Campaign batches: their own partial index (line_outbox_multicast_due), taken after the
// residents' own messages and only as fast as the channel's pacing allows. Higher priority
// first (an emergency send's batches overtake a running campaign's remaining ones), then in
// the order written.
void Dispatcher::claim_multicast(store::Tx& tx, size_t limit, std::set<std::string>& busy,
                                 std::vector<Claimed>& out) {
  int64_t now = clock_->now_ms();
  const char* scan =
      store::single_writer(db_)
          ? "SELECT id, tenant_id, sent_at FROM line_outbox WHERE status IN ('pending', "
            "'sending') AND recipients IS NOT NULL AND status = 'pending' ORDER BY priority DESC, "
            "id LIMIT 200"
          : "SELECT id, tenant_id, sent_at FROM line_outbox WHERE status IN ('pending', "
            "'sending') AND recipients IS NOT NULL ORDER BY priority DESC, id LIMIT 200";
  std::map<int64_t, std::optional<ChannelSettings>> settings;
  std::set<int64_t> paced;  // tenants whose bucket is empty this round
  for (const auto& h : tx.query(scan)) {
    if (out.size() >= limit) break;
    std::string key = "multicast:" + std::to_string(h.i64(0));
    if (busy.count(key) || paced.count(h.i64(1))) continue;
    if (!h.is_null(2) && h.i64(2) > now) continue;  // backing off, or leased elsewhere
    if (!pacing_.take(h.i64(1), now)) {
      paced.insert(h.i64(1));
      continue;
    }
    auto r = tx.one(
        "SELECT id, tenant_id, messages, retry_key, status, attempts, recipients, "
        "recipient_count, campaign_id FROM line_outbox WHERE id = ?",
        {h.i64(0)});
    if (!r) continue;
    Claimed c;
    c.id = r->i64(0);
    c.user_key = key;
    c.messages = r->str(2);
    c.retry_key = r->str(3);
    c.attempts = static_cast<int>(r->i64(5)) + 1;
    c.recipients = r->str(6);
    c.recipient_count = r->i64(7);
    c.campaign_id = r->opt_i64(8);
    c.tenant_id = r->i64(1);
    c.endpoint = "multicast";
    c.prior_status = r->str(4);
    c.prior_endpoint = "multicast";
    if (!h.is_null(2)) c.prior_not_before = h.i64(2);
    auto found = settings.find(r->i64(1));
    if (found == settings.end())
      found = settings.emplace(r->i64(1), load_settings(tx, r->i64(1))).first;
    const auto& s = found->second;
    if (!s || s->access_token.empty()) {
      tx.exec("UPDATE line_outbox SET status = 'failed', last_error = ?, sent_at = ? WHERE id = ?",
              {"LINE channel not configured", now, c.id});
      if (batch_observer_ && c.campaign_id)
        batch_observer_(tx, c.tenant_id, *c.campaign_id, c.recipient_count, false);
      continue;
    }
    c.line = LineEndpoint{s->api_base, s->access_token};
    c.lease_until = now + timing_.lease_ms;
    int64_t changed = tx.exec(
        "UPDATE line_outbox SET status = 'sending', attempts = attempts + 1, endpoint = "
        "'multicast', sent_at = ? WHERE id = ? AND status = ? AND attempts = ?",
        {now + timing_.lease_ms, c.id, c.prior_status, r->i64(5)});
    if (changed != 1) continue;
    busy.insert(key);
    out.push_back(std::move(c));
  }
}

void Dispatcher::finish(store::Tx& tx, const std::vector<Result>& results) {
  using V = SendOutcome::Verdict;
  int64_t now = clock_->now_ms();
  // Every outcome is recorded only while this claim still holds the row: 'sending' with the
  // attempts count it wrote (the fencing token). A row another process took over after our
  // lease ran out is theirs to record; ours would overwrite their newer state.
  const std::string held = " WHERE id = ? AND status = 'sending' AND attempts = ?";
  for (const auto& [c, o] : results) {
    V v = o.verdict;
    if (v == V::retry && c.attempts >= timing_.max_attempts) v = V::failed;
    // A row going back to 'pending' may lie below the scan's watermark (the scan skipped it
    // while it was in flight).
    if (v == V::retry || v == V::fallback_to_push) watermark_ = std::min(watermark_, c.id);
    int64_t changed = 0;
    switch (v) {
      case V::sent:
        changed = tx.exec(
            "UPDATE line_outbox SET status = 'sent', sent_at = ?, endpoint = ?, last_error = ''" +
                held,
            {now, c.endpoint, c.id, int64_t{c.attempts}});
        if (changed == 1 && batch_observer_ && c.campaign_id)
          batch_observer_(tx, c.tenant_id, *c.campaign_id, c.recipient_count, true);
        break;
      case V::retry: {
        // A reply that surely did not arrive (429) frees the token for another try.
        std::string endpoint =
            c.endpoint == "reply" && !o.reply_maybe_delivered && !c.earlier_reply_uncertain
                ? ""
                : c.endpoint;
        changed = tx.exec(
            "UPDATE line_outbox SET status = 'pending', sent_at = ?, endpoint = ?, last_error = ?" +
                held,
            {now + retry_delay_ms(c.attempts), endpoint, o.error, c.id, int64_t{c.attempts}});
        break;
      }
      case V::fallback_to_push:
        changed = tx.exec(
            "UPDATE line_outbox SET status = 'pending', sent_at = NULL, endpoint = 'push', "
            "last_error = ?" +
                held,
            {o.error, c.id, int64_t{c.attempts}});
        break;
      case V::failed:
        changed =
            tx.exec("UPDATE line_outbox SET status = 'failed', sent_at = ?, last_error = ?" + held,
                    {now, o.error, c.id, int64_t{c.attempts}});
        if (changed == 1)
          log::warn("line message failed", {{"outbox_id", c.id}, {"endpoint", c.endpoint}});
        if (changed == 1 && batch_observer_ && c.campaign_id)
          batch_observer_(tx, c.tenant_id, *c.campaign_id, c.recipient_count, false);
        break;
    }
    if (changed != 1)
      log::warn("line message outcome not recorded: lease lost", {{"outbox_id", c.id}});
  }
}

int Dispatcher::run_once() {
  auto batch = claim(timing_.batch);
  if (batch.empty()) return 0;
  std::vector<Result> results;
  for (auto& c : batch) results.push_back(send_one(c));
  auto release = [&] {
    std::lock_guard lock(mu_);
    for (const auto& c : batch) in_flight_.erase(c.user_key);
  };
  try {
    db_.write([&](store::Tx& tx) { finish(tx, results); });
  } catch (...) {
    release();
    throw;
  }
  release();
  bool again = std::any_of(results.begin(), results.end(), [](const auto& r) {
    return r.second.verdict == SendOutcome::Verdict::fallback_to_push;
  });
  if (again) wake();
  return static_cast<int>(batch.size());
}

}  // namespace mg::line
