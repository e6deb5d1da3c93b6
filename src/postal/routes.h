#pragma once
#include "auth/service.h"
#include "core/router.h"
#include "store/db.h"

namespace mg::postal {

// GET /api/public/{tenant}/postal/{code}: the towns of a postal code for the residents' address
// form. The data is national; the tenant must exist like on every public route.
void mount(http::Router& router, auth::AuthService& auth, store::Db& db);

}  // namespace mg::postal
