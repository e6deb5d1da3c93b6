#pragma once
// GET/PUT /api/line/settings for admins. The secret and token are write-only.
#include <string>

#include "auth/service.h"
#include "core/router.h"
#include "store/db.h"

namespace mg::line {

void register_settings_routes(http::Router& router, auth::AuthService& auth, store::Db& db,
                              const std::string& public_url);

}  // namespace mg::line
