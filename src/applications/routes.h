#pragma once
#include "applications/inbox.h"
#include "auth/service.h"
#include "core/router.h"
#include "services/catalog.h"

namespace mg::applications {

void register_routes(http::Router& router, auth::AuthService& auth, store::Db& db, Inbox& inbox);

// Filters from the query string; ApiError 400 naming the parameter when malformed.
ListFilter filter_from(const http::Request& req);

}  // namespace mg::applications
