#pragma once
#include "auth/service.h"
#include "core/router.h"
#include "services/catalog.h"

namespace mg::services {

void register_routes(http::Router& router, auth::AuthService& auth, Catalog& catalog);

// Parses a positive integer path parameter; 404 for anything else (never a 500).
int64_t id_param(const http::Request& req, const std::string& name = "id");

}  // namespace mg::services
