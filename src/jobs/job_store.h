#pragma once
// What staff see of a tenant's jobs: the list by status, counts, and retrying a dead one.
// The queue itself (enqueue, claim, schedules) is queue.*.
#include <string>
#include <vector>

#include "store/db.h"

namespace mg::jobs {

struct JobRow {
  int64_t id = 0;
  std::string kind, status, last_error;
  int attempts = 0;
  int64_t run_at = 0, created_at = 0;
};

// Newest first, at most limit.
std::vector<JobRow> list_jobs(store::Tx& tx, int64_t tenant_id, const std::string& status,
                              int limit);

struct TenantJobCounts {
  int64_t waiting = 0;  // pending or running
  int64_t dead = 0;
};
TenantJobCounts count_jobs(store::Tx& tx, int64_t tenant_id);
// The same as subqueries (waiting, dead).
std::vector<store::Subquery> count_jobs_queries(int64_t tenant_id);

// A dead job runs again from its first attempt; false when the tenant has no such dead job.
bool retry_dead(store::Tx& tx, int64_t tenant_id, int64_t id, int64_t now_ms);

}  // namespace mg::jobs
