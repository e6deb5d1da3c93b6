#pragma once
#include "applications/inbox.h"
#include "auth/service.h"
#include "core/router.h"
#include "services/catalog.h"

namespace mg::applications {

// The staff's applications: dashboard, inbox, export, results, attachments, lookup lists (名簿).
void mount(http::Router& router, auth::AuthService& auth, store::Db& db, services::Catalog& catalog,
           Inbox& inbox);

// Filters from the query string; ApiError 400 naming the parameter when malformed.
ListFilter filter_from(const http::Request& req);

}  // namespace mg::applications
