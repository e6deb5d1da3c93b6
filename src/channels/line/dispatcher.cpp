#include "channels/line/dispatcher.h"

#include <algorithm>
#include <map>
#include <random>

#include "channels/line/channel_settings.h"
#include "core/clock.h"
#include "core/log.h"

namespace mg::line {

namespace {

int64_t retry_delay_ms(int attempts) {
  int64_t base = 1000LL << std::min(attempts - 1, 8);  // 1 s, 2 s, ... ~4 min
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return base + static_cast<int64_t>(rng() % static_cast<uint64_t>(base / 5 + 1));
}

}  // namespace

Dispatcher::Dispatcher(store::Db& db, int threads, DispatchTiming timing)
    : db_(db), threads_(std::max(1, threads)), timing_(timing) {}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::start() {
  if (!workers_.empty()) return;
  if (db_.backend() == store::Backend::sqlite) {
    // SQLite has one process: rows left 'sending' by a killed predecessor are ours to resume now.
    db_.write([](store::Tx& tx) {
      tx.exec("UPDATE line_outbox SET sent_at = 0 WHERE status = 'sending'");
    });
  }
  stopping_ = false;
  for (int i = 0; i < threads_; ++i) workers_.emplace_back([this] { loop(); });
}

void Dispatcher::stop() {
  stopping_ = true;
  cv_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

void Dispatcher::wake() {
  {
    std::lock_guard lock(mu_);
    ++wake_seq_;
  }
  cv_.notify_all();
}

void Dispatcher::loop() {
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
      log::error("line dispatch failed", {{"error", e.what()}});
    }
    if (n > 0) continue;
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(200),
                 [&] { return stopping_ || wake_seq_ != seen; });
  }
}

std::vector<Dispatcher::Claimed> Dispatcher::claim() {
  std::lock_guard claim_lock(claim_mu_);
  int64_t now = clock::now_ms();
  if (now - watermark_reset_at_ > 10'000) {
    // Ids can commit out of order on PostgreSQL; rescanning from the start now and then
    // picks up a row that committed below the watermark.
    watermark_ = 0;
    watermark_reset_at_ = now;
  }
  std::set<std::string> busy;
  {
    std::lock_guard lock(mu_);
    busy = in_flight_;
  }
  auto claimed = db_.write([&](store::Tx& tx) {
    std::vector<Claimed> out;
    std::map<int64_t, std::optional<ChannelSettings>> settings;
    bool first = true;
    auto rows = tx.query(
        "SELECT id, tenant_id, user_id, reply_token, reply_token_at, messages, retry_key, status, "
        "endpoint, attempts, sent_at FROM line_outbox WHERE id >= ? AND status IN ('pending', "
        "'sending') ORDER BY id LIMIT 2000",
        {watermark_});
    for (const auto& r : rows) {
      if (first) watermark_ = r.i64(0);
      first = false;
      if (out.size() >= timing_.batch) break;
      std::string key = std::to_string(r.i64(1)) + ":" + r.str(2);
      if (busy.count(key)) continue;
      busy.insert(key);  // later rows of this resident wait for this one
      std::string status = r.str(7);
      int64_t not_before = r.is_null(10) ? 0 : r.i64(10);
      if (not_before > now) continue;  // backing off, or leased by a live sender
      Claimed c;
      c.id = r.i64(0);
      c.user_key = key;
      c.user_id = r.str(2);
      c.retry_key = r.str(6);
      c.messages = Json::parse(r.str(5));
      c.attempts = static_cast<int>(r.i64(9)) + 1;
      std::string prior = r.str(8);
      c.earlier_reply_uncertain = prior == "reply" && r.i64(9) > 0;
      int64_t age = now - (r.is_null(4) ? 0 : r.i64(4));
      int64_t limit =
          c.earlier_reply_uncertain ? timing_.uncertain_reply_ms : timing_.reply_fresh_ms;
      bool reply = !r.str(3).empty() && prior != "push" && age < limit;
      c.endpoint = reply ? "reply" : "push";
      c.reply_token = r.str(3);
      auto found = settings.find(r.i64(1));
      if (found == settings.end())
        found = settings.emplace(r.i64(1), load_settings(tx, r.i64(1))).first;
      const auto& s = found->second;
      if (!s || s->access_token.empty()) {
        tx.exec(
            "UPDATE line_outbox SET status = 'failed', last_error = ?, sent_at = ? WHERE id = ?",
            {"LINE channel not configured", now, c.id});
        continue;
      }
      c.line = LineEndpoint{s->api_base, s->access_token};
      // The endpoint is recorded before sending: after a crash it tells us a reply may have
      // reached LINE (see send_outcome.h).
      int64_t changed = tx.exec(
          "UPDATE line_outbox SET status = 'sending', attempts = attempts + 1, endpoint = ?, "
          "sent_at = ? WHERE id = ? AND status = ? AND attempts = ?",
          {c.endpoint, now + timing_.lease_ms, c.id, status, r.i64(9)});
      if (changed == 1) out.push_back(std::move(c));
    }
    return out;
  });
  std::lock_guard lock(mu_);
  for (const auto& c : claimed) in_flight_.insert(c.user_key);
  return claimed;
}

void Dispatcher::finish(const std::vector<std::pair<Claimed, SendOutcome>>& results) {
  using V = SendOutcome::Verdict;
  int64_t now = clock::now_ms();
  db_.write([&](store::Tx& tx) {
    for (const auto& [c, o] : results) {
      V v = o.verdict;
      if (v == V::retry && c.attempts >= timing_.max_attempts) v = V::failed;
      switch (v) {
        case V::sent:
          tx.exec(
              "UPDATE line_outbox SET status = 'sent', sent_at = ?, endpoint = ?, last_error = '' "
              "WHERE id = ?",
              {now, c.endpoint, c.id});
          break;
        case V::retry: {
          // A reply that surely did not arrive (429) frees the token for another try.
          std::string endpoint =
              c.endpoint == "reply" && !o.reply_maybe_delivered && !c.earlier_reply_uncertain
                  ? ""
                  : c.endpoint;
          tx.exec(
              "UPDATE line_outbox SET status = 'pending', sent_at = ?, endpoint = ?, last_error = "
              "? "
              "WHERE id = ?",
              {now + retry_delay_ms(c.attempts), endpoint, o.error, c.id});
          break;
        }
        case V::fallback_to_push:
          tx.exec(
              "UPDATE line_outbox SET status = 'pending', sent_at = NULL, endpoint = 'push', "
              "last_error = ? WHERE id = ?",
              {o.error, c.id});
          break;
        case V::failed:
          tx.exec(
              "UPDATE line_outbox SET status = 'failed', sent_at = ?, last_error = ? WHERE id = ?",
              {now, o.error, c.id});
          log::warn("line message failed", {{"outbox_id", c.id}, {"endpoint", c.endpoint}});
          break;
      }
    }
  });
}

int Dispatcher::run_once() {
  auto batch = claim();
  if (batch.empty()) return 0;
  std::vector<std::pair<Claimed, SendOutcome>> results;
  for (auto& c : batch) {
    auto r = c.endpoint == "reply" ? reply_message(c.line, c.reply_token, c.messages)
                                   : push_message(c.line, c.user_id, c.messages, c.retry_key);
    results.emplace_back(c, classify_response(c.endpoint, r, c.earlier_reply_uncertain));
  }
  try {
    finish(results);
  } catch (...) {
    std::lock_guard lock(mu_);
    for (const auto& c : batch) in_flight_.erase(c.user_key);
    throw;
  }
  {
    std::lock_guard lock(mu_);
    for (const auto& c : batch) in_flight_.erase(c.user_key);
  }
  bool again = std::any_of(results.begin(), results.end(), [](const auto& r) {
    return r.second.verdict == SendOutcome::Verdict::fallback_to_push;
  });
  if (again) wake();
  return static_cast<int>(batch.size());
}

}  // namespace mg::line
