#pragma once
// Emergency send routes (docs/API.md 緊急配信). Admins only in the console:
//   GET    /api/emergency                      sends, tokens, rich-menu state
//   POST   /api/emergency/count                {districts} -> {targeted} (the confirm dialog)
//   POST   /api/emergency/sends                {text, districts?, disaster_menu?} (202)
//   POST   /api/emergency/menu                 {name} disaster mode for everyone | {restore:true}
//   POST   /api/emergency/tokens               {label} -> the token, shown once (201)
//   POST   /api/emergency/tokens/{id}/rotate   revoke and issue anew (201)
//   DELETE /api/emergency/tokens/{id}          revoke
// Alert systems:
//   POST   /api/public/{tenant}/emergency      Authorization: Bearer <token>, Idempotency-Key
#include "auth/service.h"
#include "core/router.h"
#include "jobs/queue.h"
#include "store/db.h"

namespace mg::delivery {

struct EmergencyLimits {
  int sends_per_minute = 10;     // accepted alert-system sends per tenant
  int requests_per_minute = 60;  // alert-system requests per client address, any outcome
};

void register_emergency_routes(http::Router& router, auth::AuthService& auth, store::Db& db,
                               jobs::Runner& runner, EmergencyLimits limits = {});

}  // namespace mg::delivery
