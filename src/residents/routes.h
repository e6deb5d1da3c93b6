#pragma once
// Staff routes of the residents capability: attribute definitions (admins) and a resident's
// attribute values (any role reads, operators and above write). Every write is audited.
#include "auth/service.h"
#include "core/router.h"
#include "store/db.h"

namespace mg::residents {

void mount(http::Router& router, auth::AuthService& auth, store::Db& db);

}  // namespace mg::residents
