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

void Runner::set_lease(int64_t lease_ms, int64_t heartbeat_ms) {
  lease_ms_ = std::max<int64_t>(lease_ms, 1);
  heartbeat_ms_ = std::max<int64_t>(heartbeat_ms, 1);
}

bool Runner::holds_lease(const Job& job) {
  std::lock_guard lock(held_mu_);
  auto it = held_.find(job.id);
  // A job started with its lease nearly gone could be taken over while it runs.
  return it != held_.end() && it->second.first == job.attempts &&
         clock_.now_ms() + std::min<int64_t>(1000, lease_ms_ / 4) < it->second.second;
}

// Renews the leases of the jobs this runner holds (claimed, waiting or running). A job whose
// row another process claimed since (a higher attempts count) is no longer ours: it is
// dropped here, is not started, and its outcome is not recorded.
void Runner::heartbeat_loop() {
  while (!stopping_) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(heartbeat_ms_),
                   [&] { return stopping_.load(); });
    }
    std::vector<std::pair<int64_t, int>> rows;
    int64_t now = clock_.now_ms();
    {
      std::lock_guard lock(held_mu_);
      for (const auto& [id, h] : held_)
        if (h.second > now) rows.emplace_back(id, h.first);
    }
    if (rows.empty()) continue;
    int64_t until = now + lease_ms_;
    std::vector<int64_t> renewed, lost;
    try {
      db_.write([&](store::Tx& tx) {
        renewed.clear();
        lost.clear();
        for (const auto& [id, attempts] : rows)
          (tx.exec("UPDATE jobs SET lease_until = ? WHERE id = ? AND status = 'running' AND "
                   "attempts = ?",
                   {until, id, int64_t{attempts}}) == 1
               ? renewed
               : lost)
              .push_back(id);
      });
    } catch (const std::exception& e) {
      log::error("job lease renewal failed", {{"error", e.what()}});
      continue;
    }
    std::lock_guard lock(held_mu_);
    for (int64_t id : renewed)
      if (auto it = held_.find(id); it != held_.end()) it->second.second = until;
    for (int64_t id : lost)
      if (auto it = held_.find(id); it != held_.end()) it->second.second = 0;
  }
}

void Runner::every(const std::string& name, const std::string& kind, const Json& payload,
                   int64_t interval_ms) {
  db_.write([&](store::Tx& tx) {
    auto n = tx.exec(
        "UPDATE schedules SET kind = ?, payload = ?, interval_ms = ?, rule = NULL WHERE name = ?",
        {kind, payload.dump(), interval_ms, name});
    if (n == 0)
      tx.exec(
          "INSERT INTO schedules(name, kind, payload, interval_ms, next_run_at) VALUES (?, ?, ?, "
          "?, ?) ON CONFLICT (name) DO NOTHING",
          {name, kind, payload.dump(), interval_ms, clock_.now_ms() + interval_ms});
  });
}

void Runner::every_rule(const RuleSchedule& s) {
  db_.write([&](store::Tx& tx) { schedule_rule(tx, s); });
}

void schedule_rule(store::Tx& tx, const RuleSchedule& s) {
  std::string rule = calendar::to_json(s.rule).dump();
  int64_t next = calendar::next_after(s.rule, clock::now_ms()).value_or(kNever);
  auto row = tx.one("SELECT rule FROM schedules WHERE name = ?", {s.name});
  if (!row) {
    tx.exec(
        "INSERT INTO schedules(name, tenant_id, kind, payload, interval_ms, rule, next_run_at) "
        "VALUES (?, ?, ?, ?, 0, ?, ?) ON CONFLICT (name) DO NOTHING",
        {s.name, store::opt(s.tenant_id), s.kind, s.payload.dump(), rule, next});
    return;
  }
  // The same rule keeps its stored next occurrence: a restart must not skip or repeat one.
  bool same = !row->is_null(0) && row->str(0) == rule;
  if (same)
    tx.exec("UPDATE schedules SET tenant_id = ?, kind = ?, payload = ? WHERE name = ?",
            {store::opt(s.tenant_id), s.kind, s.payload.dump(), s.name});
  else
    tx.exec(
        "UPDATE schedules SET tenant_id = ?, kind = ?, payload = ?, interval_ms = 0, rule = ?, "
        "next_run_at = ? WHERE name = ?",
        {store::opt(s.tenant_id), s.kind, s.payload.dump(), rule, next, s.name});
}

void remove_schedule(store::Tx& tx, const std::string& name) {
  tx.exec("DELETE FROM schedules WHERE name = ?", {name});
}

std::optional<int64_t> next_run_at(store::Tx& tx, const std::string& name) {
  auto r = tx.one("SELECT next_run_at FROM schedules WHERE name = ?", {name});
  if (!r) return std::nullopt;
  return r->i64(0);
}

std::optional<JobStatus> find_job(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto r = tx.one(
      "SELECT id, kind, status, attempts, last_error, created_at, finished_at FROM jobs WHERE id "
      "= ? AND tenant_id = ?",
      {id, tenant_id});
  if (!r) return std::nullopt;
  JobStatus s;
  s.id = r->i64(0);
  s.kind = r->str(1);
  s.status = r->str(2);
  s.attempts = static_cast<int>(r->i64(3));
  s.last_error = r->str(4);
  s.created_at = r->i64(5);
  s.finished_at = r->opt_i64(6);
  return s;
}

bool has_open_job(store::Tx& tx, int64_t tenant_id, const std::string& queue_key) {
  return tx
      .one(
          "SELECT 1 FROM jobs WHERE tenant_id = ? AND queue_key = ? AND status IN "
          "('pending','running') LIMIT 1",
          {tenant_id, queue_key})
      .has_value();
}

// Moves due schedules forward and enqueues their job in one transaction, so across
// processes each occurrence enqueues exactly once (the conditional UPDATE wins once).
void Runner::tick_schedules() {
  int64_t now = clock_.now_ms();
  db_.write([&](store::Tx& tx) {
    for (const auto& r : tx.query(
             "SELECT name, kind, payload, interval_ms, next_run_at, tenant_id, rule FROM schedules "
             "WHERE next_run_at <= ?",
             {now})) {
      int64_t due = r.i64(4);
      // Interval schedules keep their phase; ticks missed while no process ran run once.
      int64_t interval = std::max<int64_t>(r.i64(3), 1);
      int64_t next = due + interval * ((now - due) / interval + 1);
      Json payload = parse_stored_json(r.str(2));
      bool runnable = true;
      if (!r.is_null(6)) {
        try {
          auto rule = calendar::parse_recurrence(parse_stored_json(r.str(6)));
          next = calendar::next_after(rule, now).value_or(kNever);
          if (payload.is_object()) payload["occurrence_at"] = due;
        } catch (const calendar::InvalidRecurrence& e) {
          // A rule stored by an older version that this one refuses: park it, keep ticking.
          log::error("schedule rule unreadable", {{"schedule", r.str(0)}, {"error", e.what()}});
          next = kNever;
          runnable = false;
        }
      }
      if (tx.exec("UPDATE schedules SET next_run_at = ? WHERE name = ? AND next_run_at = ?",
                  {next, r.str(0), due}) == 1 &&
          runnable) {
        EnqueueOptions opt;
        opt.tenant_id = r.opt_i64(5);
        enqueue(tx, r.str(1), payload, opt);
      }
    }
  });
}

std::vector<Job> Runner::claim(int limit) {
  int64_t now = clock_.now_ms();
  // Claims and outcomes are short writes that run beside every request that queues a job
  // (a booking's confirmation): grouped, they share commits with those requests.
  return db_.write_grouped([&](store::Tx& tx) {
    // Only the head of each queue_key is eligible, so one resident's events run in order.
    std::string lock = store::skip_locked(tx);
    // Jobs whose lease ran out first, then pending ones, each in one statement that walks the
    // jobs_due index in order: a single statement with both (an OR) sorted every due job to
    // take the first few, so a backlog (a booking rush's confirmations) cost more per claim
    // the longer it was.
    auto claim_sql = [&](const char* due) {
      return std::string(
                 "UPDATE jobs SET status = 'running', lease_until = ?, attempts = attempts + 1 "
                 "WHERE id IN (SELECT id FROM jobs j WHERE ") +
             due +
             " AND (j.queue_key IS NULL OR NOT EXISTS (SELECT 1 FROM jobs p WHERE p.queue_key = "
             "j.queue_key AND p.id < j.id AND p.status IN ('pending','running'))) ORDER BY "
             "j.run_at, j.id LIMIT ?" +
             lock + ") RETURNING id, tenant_id, kind, payload, attempts, max_attempts";
    };
    std::vector<store::Row> rows = tx.query(claim_sql("j.status = 'running' AND j.lease_until < ?"),
                                            {now + lease_ms_, now, int64_t{limit}});
    if (static_cast<int>(rows.size()) < limit)
      for (auto& r : tx.query(claim_sql("j.status = 'pending' AND j.run_at <= ?"),
                              {now + lease_ms_, now, int64_t{limit} - int64_t(rows.size())}))
        rows.push_back(std::move(r));
    std::vector<Job> out;
    std::lock_guard held_lock(held_mu_);
    for (const auto& r : rows) {
      Job j;
      j.id = r.i64(0);
      j.tenant_id = r.opt_i64(1);
      j.kind = r.str(2);
      j.payload = parse_stored_json(r.str(3));
      j.attempts = static_cast<int>(r.i64(4));
      j.max_attempts = static_cast<int>(r.i64(5));
      held_[j.id] = {j.attempts, now + lease_ms_};
      out.push_back(std::move(j));
    }
    return out;
  });
}

void Runner::run_one(const Job& job) {
  struct Release {
    Runner* r;
    int64_t id;
    ~Release() {
      std::lock_guard lock(r->held_mu_);
      r->held_.erase(id);
    }
  } release{this, job.id};
  // Checked right before the handler's outbound work: a job whose lease ran out (this process
  // stalled) may be running elsewhere already.
  if (!holds_lease(job)) {
    log::warn("job not started: lease lost", {{"job_id", job.id}, {"kind", job.kind}});
    return;
  }
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
    db_.write_grouped([&](store::Tx& tx) {
      if (tx.exec("UPDATE jobs SET status = 'done', finished_at = ?, lease_until = 0 WHERE id = ? "
                  "AND status = 'running' AND attempts = ?",
                  {now, job.id, int64_t{job.attempts}}) != 1)
        log::warn("job outcome not recorded: lease lost", {{"job_id", job.id}});
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
  db_.write_grouped([&](store::Tx& tx) {
    // Recorded only while this claim holds the job (its attempts count is the fencing token).
    if (dead)
      tx.exec(
          "UPDATE jobs SET status = 'dead', last_error = ?, finished_at = ?, lease_until = 0 "
          "WHERE id = ? AND status = 'running' AND attempts = ?",
          {error, now, job.id, int64_t{job.attempts}});
    else
      tx.exec(
          "UPDATE jobs SET status = 'pending', last_error = ?, run_at = ?, lease_until = 0 WHERE "
          "id = ? AND status = 'running' AND attempts = ?",
          {error, now + (delay >= 0 ? delay : backoff_ms(job.attempts)), job.id,
           int64_t{job.attempts}});
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
  heartbeat_ = std::thread([this] {
    name_this_thread("mg-jobs-lease");
    heartbeat_loop();
  });
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
  if (heartbeat_.joinable()) heartbeat_.join();
}

}  // namespace mg::jobs
