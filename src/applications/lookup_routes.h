#pragma once
// The console's lookup-list (名簿) page: which lists the services use, preview and replace an
// uploaded CSV, download it again.
#include "auth/service.h"
#include "core/router.h"
#include "services/catalog.h"
#include "store/db.h"

namespace mg::applications {

void register_lookup_routes(http::Router& router, auth::AuthService& auth, store::Db& db,
                            services::Catalog& catalog);

}  // namespace mg::applications
