#pragma once
// The durable job queue (outbox). Jobs are written in the same transaction as the change
// that causes them; workers lease them, retry with exponential backoff, and move them to
// 'dead' after max_attempts, where admins can see and retry them.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "calendar/recurrence.h"
#include "core/json.h"
#include "store/db.h"

namespace mg {
class Clock;
}

namespace mg::jobs {

struct Job {
  int64_t id = 0;
  std::optional<int64_t> tenant_id;
  std::string kind;
  Json payload;
  int attempts = 0;  // including this one
  int max_attempts = 8;
};

// Throw from a handler when retrying cannot help (e.g. LINE answered 400).
struct PermanentFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Throw to retry after a specific delay (e.g. a 429 with a known wait).
struct RetryAfter : std::runtime_error {
  RetryAfter(const std::string& why, int64_t delay_ms)
      : std::runtime_error(why), delay_ms(delay_ms) {}
  int64_t delay_ms;
};

struct EnqueueOptions {
  std::optional<int64_t> tenant_id;
  int64_t run_at_ms = 0;  // 0 = now
  // Jobs sharing a queue key run one at a time, in id order (e.g. one resident's events).
  std::optional<std::string> queue_key;
  int max_attempts = 8;
};

int64_t enqueue(store::Tx& tx, const std::string& kind, const Json& payload,
                const EnqueueOptions& opt = {});

// Backoff before attempt n+1 after n failures: 1s, 2s, 4s ... capped at 1h, with jitter.
int64_t backoff_ms(int attempts);

// A recurring job that follows a calendar rule in JST ("毎月第2火曜日 9:00"). Each occurrence
// enqueues `kind` once across processes, with the tenant's id and the payload plus
// "occurrence_at" (the occurrence's instant, ms) when the payload is an object. An occurrence
// missed while no process ran is run once at the next tick; later ones follow the rule.
struct RuleSchedule {
  std::string name;  // unique across tenants: include the tenant ("t12.garbage-reminder")
  std::optional<int64_t> tenant_id;
  std::string kind;
  Json payload = Json::object();
  calendar::Recurrence rule;
};
// Registers or updates the schedule in the caller's transaction. The next occurrence is
// recomputed only when the rule changed (or the schedule was an interval one), so every
// process may call this at start-up.
void schedule_rule(store::Tx& tx, const RuleSchedule& s);
void remove_schedule(store::Tx& tx, const std::string& name);
// The stored next run of a schedule (ms), nullopt if there is none by that name; kNever when
// its rule has no occurrence left.
std::optional<int64_t> next_run_at(store::Tx& tx, const std::string& name);
inline constexpr int64_t kNever = 253402300799999;  // 9999-12-31T23:59:59.999Z

// What a job is doing, for routes that answer 202 and let the console poll.
struct JobStatus {
  int64_t id = 0;
  std::string kind;
  std::string status;  // pending, running, done, dead
  int attempts = 0;
  std::string last_error;
  int64_t created_at = 0;
  std::optional<int64_t> finished_at;
};
// Only the tenant's own jobs: nullopt for another tenant's id.
std::optional<JobStatus> find_job(store::Tx& tx, int64_t tenant_id, int64_t id);
// Whether one of the tenant's jobs with this queue key is waiting or running.
bool has_open_job(store::Tx& tx, int64_t tenant_id, const std::string& queue_key);

struct QueueStats {
  int64_t pending = 0, running = 0, dead = 0, done = 0;
};
QueueStats stats(store::Db& db);

class Runner {
 public:
  using Handler = std::function<void(const Job&)>;
  Runner(store::Db& db, int workers, int64_t poll_ms = 500);
  // Leases, backoff and due schedules follow `clock` (tests move time with a SettableClock).
  Runner(store::Db& db, int workers, int64_t poll_ms, const Clock& clock);
  ~Runner();

  void handle(const std::string& kind, Handler fn);
  // Claimed jobs are leased for lease_ms and renewed every heartbeat_ms while held; a job whose
  // holder died is taken over (by any process) once its lease ran out. Set before start().
  void set_lease(int64_t lease_ms, int64_t heartbeat_ms);
  // Registers (or updates) a recurring job; every process may call it, one runs it per tick.
  void every(const std::string& name, const std::string& kind, const Json& payload,
             int64_t interval_ms);
  // The same with a calendar rule (see RuleSchedule).
  void every_rule(const RuleSchedule& s);
  void start();
  // Stops claiming, lets in-flight jobs finish, joins the workers.
  void stop();
  // Wakes idle workers now (call after committing a transaction that enqueued jobs).
  void wake();
  // Runs due jobs on the calling thread until none is due; returns how many ran (tests).
  int drain(int max_jobs = 1000000);
  int64_t failures() const { return failures_.load(); }

 private:
  std::vector<Job> claim(int limit);
  void run_one(const Job& job);
  void tick_schedules();
  void worker_loop();
  void heartbeat_loop();
  bool holds_lease(const Job& job);

  store::Db& db_;
  int workers_;
  int64_t poll_ms_;
  const Clock& clock_;
  int64_t lease_ms_ = 10'000;
  int64_t heartbeat_ms_ = 2'000;
  std::mutex held_mu_;
  std::map<int64_t, std::pair<int, int64_t>> held_;  // job id -> (attempts, lease until)
  std::thread heartbeat_;
  std::map<std::string, Handler> handlers_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> failures_{0};
  uint64_t wake_seq_ = 0;
};

}  // namespace mg::jobs
