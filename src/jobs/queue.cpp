#include "jobs/queue.h"

#include <random>

#include "core/clock.h"
#include "core/json_parse.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/thread_name.h"

namespace mg::jobs {

using store::Params;
using store::Value;

int64_t enqueue(store::Tx& tx, const std::string& kind, const Json& payload,
                const EnqueueOptions& opt) {
  int64_t now = clock::now_ms();
  return tx.insert_id(
      "INSERT INTO jobs(tenant_id, kind, payload, status, run_at, max_attempts, queue_key, "
      "created_at) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?) RETURNING id",
      {store::opt(opt.tenant_id), kind, payload.dump(), opt.run_at_ms ? opt.run_at_ms : now,
       int64_t{opt.max_attempts}, store::opt(opt.queue_key), now});
}

int64_t backoff_ms(int attempts) {
  int64_t base = 1000LL << std::min(attempts > 0 ? attempts - 1 : 0, 12);
  base = std::min<int64_t>(base, 3600 * 1000);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return base + static_cast<int64_t>(rng() % static_cast<uint64_t>(base / 4 + 1));
}

QueueStats stats(store::Db& db) {
  return db.read([](store::Tx& tx) {
    QueueStats s;
    for (const auto& r : tx.query("SELECT status, COUNT(*) FROM jobs GROUP BY status")) {
      auto st = r.str(0);
      if (st == "pending")
        s.pending = r.i64(1);
      else if (st == "running")
        s.running = r.i64(1);
      else if (st == "dead")
        s.dead = r.i64(1);
      else if (st == "done")
        s.done = r.i64(1);
    }
    return s;
  });
}

Runner::Runner(store::Db& db, int workers, int64_t poll_ms)
    : Runner(db, workers, poll_ms, system_clock()) {}

Runner::Runner(store::Db& db, int workers, int64_t poll_ms, const Clock& clock)
    : db_(db), workers_(workers < 1 ? 1 : workers), poll_ms_(poll_ms), clock_(clock) {}

Runner::~Runner() { stop(); }

void Runner::handle(const std::string& kind, Handler fn) { handlers_[kind] = std::move(fn); }

void Runner::every(const std::string& name, const std::string& kind, const Json& payload,
                   int64_t interval_ms) {
  db_.write([&](store::Tx& tx) {
    auto n = tx.exec("UPDATE schedules SET kind = ?, payload = ?, interval_ms = ? WHERE name = ?",
                     {kind, payload.dump(), interval_ms, name});
    if (n == 0)
      tx.exec(
          "INSERT INTO schedules(name, kind, payload, interval_ms, next_run_at) VALUES (?, ?, ?, "
          "?, ?) ON CONFLICT (name) DO NOTHING",
          {name, kind, payload.dump(), interval_ms, clock_.now_ms() + interval_ms});
  });
}

// Moves due schedules forward and enqueues their job in one transaction, so across
// processes each tick enqueues exactly once (the conditional UPDATE wins once).
void Runner::tick_schedules() {
  int64_t now = clock_.now_ms();
  db_.write([&](store::Tx& tx) {
    for (const auto& r :
         tx.query("SELECT name, kind, payload, interval_ms, next_run_at FROM schedules WHERE "
                  "next_run_at <= ?",
                  {now})) {
      int64_t next = std::max(r.i64(4) + r.i64(3), now + 1);
      if (tx.exec("UPDATE schedules SET next_run_at = ? WHERE name = ? AND next_run_at = ?",
                  {next, r.str(0), r.i64(4)}) == 1)
        enqueue(tx, r.str(1), parse_json(r.str(2)));
    }
  });
}

std::vector<Job> Runner::claim(int limit) {
  int64_t now = clock_.now_ms();
  return db_.write([&](store::Tx& tx) {
    // Only the head of each queue_key is eligible, so one resident's events run in order.
    std::string lock = store::skip_locked(tx);
    std::string sql =
        "UPDATE jobs SET status = 'running', lease_until = ?, attempts = attempts + 1 "
        "WHERE id IN (SELECT id FROM jobs j WHERE ((j.status = 'pending' AND j.run_at <= ?) OR "
        "(j.status = 'running' AND j.lease_until < ?)) AND (j.queue_key IS NULL OR NOT EXISTS "
        "(SELECT 1 FROM jobs p WHERE p.queue_key = j.queue_key AND p.id < j.id AND p.status IN "
        "('pending','running'))) ORDER BY j.run_at, j.id LIMIT ?" +
        lock + ") RETURNING id, tenant_id, kind, payload, attempts, max_attempts";
    std::vector<Job> out;
    for (const auto& r : tx.query(sql, {now + lease_ms_, now, now, int64_t{limit}})) {
      Job j;
      j.id = r.i64(0);
      j.tenant_id = r.opt_i64(1);
      j.kind = r.str(2);
      j.payload = parse_stored_json(r.str(3));
      j.attempts = static_cast<int>(r.i64(4));
      j.max_attempts = static_cast<int>(r.i64(5));
      out.push_back(std::move(j));
    }
    return out;
  });
}

void Runner::run_one(const Job& job) {
  auto it = handlers_.find(job.kind);
  std::string error;
  bool permanent = false;
  int64_t delay = -1;
  if (it == handlers_.end()) {
    error = "no handler for job kind " + job.kind;
    permanent = true;
  } else {
    try {
      it->second(job);
    } catch (const PermanentFailure& e) {
      error = e.what();
      permanent = true;
    } catch (const RetryAfter& e) {
      error = e.what();
      delay = e.delay_ms;
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  int64_t now = clock_.now_ms();
  if (error.empty()) {
    db_.write([&](store::Tx& tx) {
      tx.exec("UPDATE jobs SET status = 'done', finished_at = ?, lease_until = 0 WHERE id = ?",
              {now, job.id});
    });
    metrics::count("madoguchi_jobs_completed_total", "kind=\"" + job.kind + "\"");
    return;
  }
  failures_++;
  bool dead = permanent || job.attempts >= job.max_attempts;
  metrics::count("madoguchi_jobs_failed_total", "kind=\"" + job.kind + "\"");
  log::warn("job failed", {{"job_id", job.id},
                           {"kind", job.kind},
                           {"attempt", job.attempts},
                           {"dead", dead},
                           {"error", error.substr(0, 300)}});
  db_.write([&](store::Tx& tx) {
    if (dead)
      tx.exec(
          "UPDATE jobs SET status = 'dead', last_error = ?, finished_at = ?, lease_until = 0 "
          "WHERE id = ?",
          {error, now, job.id});
    else
      tx.exec(
          "UPDATE jobs SET status = 'pending', last_error = ?, run_at = ?, lease_until = 0 WHERE "
          "id = ?",
          {error, now + (delay >= 0 ? delay : backoff_ms(job.attempts)), job.id});
  });
}

int Runner::drain(int max_jobs) {
  int ran = 0;
  while (ran < max_jobs) {
    tick_schedules();
    auto batch = claim(1);
    if (batch.empty()) break;
    for (auto& j : batch) {
      run_one(j);
      ++ran;
    }
  }
  return ran;
}

void Runner::worker_loop() {
  int64_t last_tick = 0;
  while (!stopping_) {
    std::vector<Job> batch;
    try {
      if (clock_.now_ms() - last_tick >= 1000) {
        tick_schedules();
        last_tick = clock_.now_ms();
      }
      batch = claim(4);
    } catch (const std::exception& e) {
      log::error("job claim failed", {{"error", e.what()}});
    }
    for (auto& j : batch) {
      try {
        run_one(j);
      } catch (const std::exception& e) {
        log::error("job bookkeeping failed", {{"job_id", j.id}, {"error", e.what()}});
      }
    }
    if (!batch.empty()) continue;
    std::unique_lock lock(mu_);
    uint64_t seen = wake_seq_;
    cv_.wait_for(lock, std::chrono::milliseconds(poll_ms_),
                 [&] { return stopping_ || wake_seq_ != seen; });
  }
}

void Runner::start() {
  stopping_ = false;
  for (int i = 0; i < workers_; ++i)
    threads_.emplace_back([this] {
      name_this_thread("mg-jobs");
      worker_loop();
    });
}

void Runner::wake() {
  {
    std::lock_guard lock(mu_);
    ++wake_seq_;
  }
  cv_.notify_all();
}

void Runner::stop() {
  stopping_ = true;
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

}  // namespace mg::jobs
