#pragma once
// Admin endpoints for rich menus defined in configuration (see docs/line-channel.md).
// Switch-all and links answer 202 with a job (rich_menu_jobs.h) the console polls at
// GET /api/line/rich-menus/jobs/{id}; the handler is registered on the runner here.
#include "auth/service.h"
#include "core/router.h"
#include "jobs/queue.h"
#include "store/db.h"

namespace mg::line {

// What POST /api/line/rich-menus/switch-all does for an admin already checked: body
// {"name": menu} switches everyone to that menu (disaster mode), {"restore": true} back; the
// job is enqueued with its audit entry. Returns the answer (state, name, restore, job);
// ApiError 400/404/409 as the route. Used by the emergency send's one-action switch.
Json switch_all_menus(store::Db& db, jobs::Runner& runner, const auth::Principal& who,
                      const Json& body);

void register_rich_menu_routes(http::Router& router, auth::AuthService& auth, store::Db& db,
                               jobs::Runner& runner);

}  // namespace mg::line
