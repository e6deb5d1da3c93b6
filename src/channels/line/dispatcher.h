#pragma once
// Sends line_outbox rows: reply while the token is fresh and unused, else push with the row's
// X-Line-Retry-Key. One request in flight per resident, so messages arrive in order. Campaign
// rows (recipients set) go to multicast with the batch's retry key, after the residents' own
// messages and paced per channel (ChannelPacing); their outcome is told to on_campaign_batch.
// Row states: pending -> sending (leased) -> sent | failed; see docs/line-channel.md.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "channels/line/line_api.h"
#include "channels/line/outbox.h"
#include "channels/line/pacing.h"
#include "channels/line/send_outcome.h"
#include "core/clock.h"
#include "core/json.h"
#include "store/db.h"

namespace mg::line {

struct DispatchTiming {
  int64_t reply_fresh_ms = 50'000;      // LINE guarantees a token for one minute
  int64_t uncertain_reply_ms = 58'000;  // retrying our own unanswered reply still tells us
  // A claimed row is leased: another process takes over rows whose lease ran out (a crashed
  // sender's) after at most lease_ms; a live sender renews its leases every heartbeat_ms and
  // starts no request with less than lease_margin_ms of its lease left (several processes).
  int64_t lease_ms = 10'000;
  int64_t heartbeat_ms = 2'000;
  int64_t lease_margin_ms = 1'000;
  int max_attempts = 15;
  size_t batch = 16;                  // rows per run_once() (tests)
  size_t max_in_flight = 0;           // rows claimed and not yet finished (0 = 8 per connection)
  double multicast_per_second = 100;  // per LINE channel; LINE allows 200 (0 = unpaced)
};

// Two threads: one coordinator owns every database write (finish results, then claim more rows,
// in one transaction per round) and hands claimed rows to one HTTP client thread that keeps up
// to `connections` requests in flight (libcurl multi), so dozens of requests are on the wire
// without dozens of threads or database writers.
class Dispatcher {
 public:
  Dispatcher(store::Db& db, int connections, DispatchTiming timing = {});
  // Reply-token freshness, leases and retry times follow `clock` (tests move time with it).
  Dispatcher(store::Db& db, int connections, DispatchTiming timing, const Clock& clock)
      : Dispatcher(db, connections, timing) {
    clock_ = &clock;
  }
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  void start();
  void stop();
  void wake();
  // Claims and sends one batch on the calling thread; returns how many rows it tried (tests).
  int run_once();

  struct Claimed;
  // Direct hand-off from the event processor, inside its write transaction (SQLite, one
  // process, dispatcher started): when the resident has nothing queued or in flight and the
  // answer fits one request, its row is inserted already claimed by this dispatcher, so no
  // claim round (scan, read, update) stands between commit and sending. Otherwise returns
  // nothing and the caller enqueues normally. After commit pass the rows to hand_over(); after
  // a rollback to release().
  std::optional<Claimed> enqueue_claimed(store::Tx& tx, const OutgoingMessages& out,
                                         const LineEndpoint& line);
  void hand_over(std::vector<Claimed> rows);
  void release(const std::vector<Claimed>& rows);

  // Told, inside the transaction recording it, when a campaign's multicast row is sent or has
  // failed for good (tenant, campaign id, its recipients, sent?).
  using BatchObserver = std::function<void(store::Tx& tx, int64_t tenant_id, int64_t campaign_id,
                                           int64_t recipients, bool sent)>;
  void on_campaign_batch(BatchObserver fn) {
    std::lock_guard lock(claim_mu_);
    batch_observer_ = std::move(fn);
  }
  // Multicast requests per second per channel (configuration).
  void set_multicast_rate(double per_second) {
    std::lock_guard lock(claim_mu_);
    pacing_.set_rate(per_second);
  }

  struct Claimed {
    int64_t id = 0;
    std::string user_key, user_id, reply_token, retry_key, endpoint;
    std::string messages;    // the row's JSON array text, sent as is
    std::string recipients;  // multicast rows: comma-separated user ids (endpoint "multicast")
    int64_t recipient_count = 0;
    int64_t tenant_id = 0;
    std::optional<int64_t> campaign_id;
    bool earlier_reply_uncertain = false;
    int attempts = 0;         // the row's attempts after this claim: the lease's fencing token
    int64_t lease_until = 0;  // the lease this claim wrote (renewed by heartbeats)
    LineEndpoint line;
    // The row as it was before the claim, to hand it back unsent at stop().
    std::string prior_status, prior_endpoint;
    std::optional<int64_t> prior_not_before;
  };

 private:
  using Result = std::pair<Claimed, SendOutcome>;
  std::vector<Claimed> claim(store::Tx& tx, size_t limit, std::set<std::string>& busy);
  void claim_multicast(store::Tx& tx, size_t limit, std::set<std::string>& busy,
                       std::vector<Claimed>& out);
  std::vector<Claimed> claim(size_t limit);
  void finish(store::Tx& tx, const std::vector<Result>& results);
  static http::ClientRequest request_for(const Claimed& c);  // reply or push, per the row
  Result send_one(Claimed c);
  void coordinate();
  // Hands rows to the HTTP client; each result comes back through results_ (or unsent_).
  void send_async(std::vector<Claimed> rows);
  // Several processes: renews the leases of rows held longer than a heartbeat, inside the
  // round's transaction; a row another process took over is marked lost (never sent by us).
  void renew_leases(store::Tx& tx, const std::vector<std::pair<int64_t, int>>& rows,
                    std::vector<int64_t>& renewed, std::vector<int64_t>& lost);
  // Whether this process still holds the row's lease with time to spare (right before sending).
  bool holds_lease(int64_t id, int attempts);
  void hold(const Claimed& c);  // under mu_

  store::Db& db_;
  int threads_;
  DispatchTiming timing_;
  const Clock* clock_ = &system_clock();
  std::mutex claim_mu_;  // one claimer at a time keeps "one in flight per resident" simple
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> in_flight_;  // residents with a claimed, unfinished row
  std::vector<Claimed> unsent_;      // claimed, never started before stop() (under mu_)
  std::vector<Claimed> lost_;        // lease gone before the request started (under mu_)
  struct Held {
    int attempts = 0;
    int64_t lease_until = 0;
  };
  std::map<int64_t, Held> held_;  // claimed rows by id (under mu_)
  int64_t next_heartbeat_ = 0;
  std::vector<Result> results_;  // sent rows waiting to be finished (under mu_)
  size_t unfinished_ = 0;        // claimed by the coordinator, not yet finished
  int64_t watermark_ = 0;
  int64_t watermark_reset_at_ = 0;
  uint64_t wake_seq_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> accepting_direct_{false};
  ChannelPacing pacing_;  // used by the claimer only (under claim_mu_)
  BatchObserver batch_observer_;
  std::vector<std::thread> workers_;                // the coordinator
  std::unique_ptr<http::ConcurrentClient> client_;  // every send; at most `threads_` at once
};

}  // namespace mg::line
