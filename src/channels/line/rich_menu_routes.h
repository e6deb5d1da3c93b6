#pragma once
// Admin endpoints for rich menus defined in configuration (see docs/line-channel.md).
// Switch-all and links answer 202 with a job (rich_menu_jobs.h) the console polls at
// GET /api/line/rich-menus/jobs/{id}; the handler is registered on the runner here.
#include "auth/service.h"
#include "core/router.h"
#include "jobs/queue.h"
#include "store/db.h"

namespace mg::line {

void register_rich_menu_routes(http::Router& router, auth::AuthService& auth, store::Db& db,
                               jobs::Runner& runner);

}  // namespace mg::line
