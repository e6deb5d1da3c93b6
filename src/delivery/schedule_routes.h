#pragma once
// Routes and jobs of campaign timing, approval and garbage-day reminders (issue 13):
//   GET  /api/delivery-settings          viewer   {approval_required, garbage_reminders{…}}
//   PUT  /api/delivery-settings          admin    same shape, keys optional
//   GET  /api/campaigns/{id}/timing      viewer   {timing, description, next_run_at,
//                                                  occurrences, approval}
//   PUT  /api/campaigns/{id}/timing      operator timing JSON (delivery/timing.h); draft only
//   GET  /api/campaign-approvals         viewer   承認待ち: [{approval, campaign}]
//   POST /api/campaigns/{id}/approve     admin    not the author nor the requester (403)
//   POST /api/campaigns/{id}/reject      admin    {reason}
// Jobs: delivery.schedule (the timing sweep) and garbage.reminders, each every 30 s on the
// runner's clock; both are idempotent per occurrence, so any number of processes may run them.
#include "auth/service.h"
#include "core/clock.h"
#include "core/router.h"
#include "jobs/queue.h"
#include "messaging/messenger.h"
#include "store/db.h"

namespace mg::delivery {

void register_schedule_routes(http::Router& router, auth::AuthService& auth, store::Db& db);
void register_schedule_jobs(jobs::Runner& runner, store::Db& db,
                            const Clock& clock = system_clock());
void register_garbage_reminders(jobs::Runner& runner, store::Db& db,
                                const messaging::Dispatch& messengers,
                                const Clock& clock = system_clock());

}  // namespace mg::delivery
