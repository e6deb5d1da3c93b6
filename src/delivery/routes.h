#pragma once
// Staff routes for campaigns (tenant-scoped): viewers read, operators create and cancel,
// admins send.
//   GET  /api/campaigns             list (newest first; ?before=ID)
//   POST /api/campaigns             create a draft {title, messages, audience}
//   GET  /api/campaigns/{id}        detail with counts
//   POST /api/campaigns/{id}/send   draft -> queued (fan-out job), scheduled or 承認待ち
//                                   (delivery/schedule.h)
//   POST /api/campaigns/{id}/cancel
#include <functional>

#include "auth/service.h"
#include "core/router.h"
#include "jobs/queue.h"
#include "store/db.h"

namespace mg::delivery {

// Checks a campaign request body; returns {title, messages, audience} normalised, or throws
// ApiError 400 (Japanese, naming the field).
Json validated_campaign(const Json& body);

void register_routes(http::Router& router, auth::AuthService& auth, store::Db& db,
                     jobs::Runner& runner);

// The campaign.fanout job and the delivery.retention schedule (every 6 hours).
void register_jobs(jobs::Runner& runner, store::Db& db, int64_t retention_ms,
                   std::function<void()> wake_sender);

}  // namespace mg::delivery
