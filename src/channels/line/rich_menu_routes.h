#pragma once
// Admin endpoints for rich menus defined in configuration (see docs/line-channel.md).
#include "auth/service.h"
#include "core/router.h"
#include "store/db.h"

namespace mg::line {

void register_rich_menu_routes(http::Router& router, auth::AuthService& auth, store::Db& db);

}  // namespace mg::line
