#pragma once
// Rich-menu changes that reach many LINE users (switch-all, its restore, links to a segment or a
// list of residents) run as jobs, not inside the admin's HTTP request: LINE may be slow or
// down, and a bulk link of 10,000 users is 20 calls. The routes validate, enqueue one job in
// the same transaction as the audit entry and answer 202; the console polls the job.
// One tenant's rich-menu jobs share a queue key, so they run one at a time, in order.
#include <cstdint>
#include <mutex>
#include <string>

#include "core/json.h"
#include "jobs/queue.h"
#include "store/db.h"

namespace mg::line {

inline constexpr const char* kRichMenuJob = "line.rich_menu";

std::string rich_menu_queue_key(int64_t tenant_id);

// Payloads (job.tenant_id is the tenant):
//   {"action": "link", "name": menu, "segment": "resident"|"non_resident"}
//   {"action": "link", "name": menu, "resident_ids": [id, ...]}
//   {"action": "switch_all", "name": menu}
//   {"action": "restore"}
// The job re-reads the menus and the switch-all state when it runs. LINE unreachable, 5xx and
// 429 are retried with the queue's backoff; LINE's other refusals, a removed menu or a missing
// access token end the job as dead with the Japanese reason in last_error.
void run_rich_menu_job(store::Db& db, const jobs::Job& job);

// Admin actions that create a menu on LINE or upload its image run one at a time per process
// (two concurrent "set default" calls must not both create the menu).
std::mutex& rich_menu_mutex();

}  // namespace mg::line
