#pragma once
// The fan-out of a queued campaign into LINE multicast batches. The audience is evaluated once,
// when the campaign is queued (freeze_audience). Each step, in ONE short transaction: take the
// next <= 500 LINE residents of that audience with id > cursor in id order, write one
// multicast line_outbox row for all of them (INSERT ... SELECT, one X-Line-Retry-Key), and move
// the cursor. A crash between steps resumes at the cursor: nothing is queued twice, nothing
// skipped, and no job or outbox row is written per resident.
#include <cstdint>
#include <functional>
#include <string>

#include "core/json.h"
#include "store/db.h"

namespace mg::delivery {

inline constexpr int64_t kBatchSize = 500;  // LINE's limit of user ids per multicast

// Which residents: a SQL condition over `residents r` with its own `?` parameters. The
// condition compiler (residents/condition_*) supplies these for attribute conditions.
struct ResidentFilter {
  std::string sql = "1 = 1";
  store::Params params;
};

// The campaign's stored audience as a filter; std::invalid_argument for an unknown kind.
ResidentFilter audience_filter(const Json& audience);
// The same, and {"kind":"condition","condition":{…}}: a condition over the tenant's resident
// attributes (residents/condition.h), compiled against its definitions; ApiError 400 when bad.
ResidentFilter audience_filter(store::Tx& tx, int64_t tenant_id, const Json& audience);

// Active LINE residents of the tenant matching the filter (the campaign's "targeted").
int64_t count_line_targets(store::Tx& tx, int64_t tenant_id, const ResidentFilter& f);

// LINE residents who blocked the account and the audience would otherwise reach.
int64_t count_blocked_line(store::Tx& tx, int64_t tenant_id, const Json& audience);

struct StepResult {
  int64_t recipients = 0;  // in the batch written (0: none)
  bool done = true;        // nothing left: the fan-out is finished (or the campaign stopped)
};

// The audience evaluated once, when the campaign is queued: one INSERT ... SELECT of the
// matching residents with id > after_id into campaign_audience ('line' and 'web': active;
// 'blocked': blocked LINE residents, counted only). The fan-out's steps read their batches from
// there by primary key, so the condition is never evaluated per batch (at 1,000,000 residents
// that was the whole cost of the fan-out). ApiError 400 for a condition that does not fit.
struct FrozenAudience {
  int64_t line = 0, web = 0, blocked = 0;
};
FrozenAudience freeze_audience(store::Tx& tx, int64_t tenant_id, int64_t campaign_id,
                               const Json& audience, int64_t after_id = 0);
// Drops a campaign's frozen audience (fan-out done or cancelled).
void drop_audience(store::Tx& tx, int64_t tenant_id, int64_t campaign_id);

// One step of the campaign's fan-out, inside the caller's transaction.
StepResult fanout_step(store::Tx& tx, int64_t tenant_id, int64_t campaign_id);

// Runs steps, one transaction each, until the campaign's fan-out is done. after_step (if set)
// runs after each committed step that wrote a batch (wakes the dispatcher). Returns batches.
int64_t run_fanout(store::Db& db, int64_t tenant_id, int64_t campaign_id,
                   const std::function<void()>& after_step = {});

}  // namespace mg::delivery
