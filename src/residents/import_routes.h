#pragma once
// Staff routes over residents' attributes: counting who a condition reaches (any role),
// importing attributes from CSV and exporting them (admins).
#include "auth/service.h"
#include "core/router.h"
#include "store/db.h"

namespace mg::residents {

void register_import_routes(http::Router& router, auth::AuthService& auth, store::Db& db);

}  // namespace mg::residents
