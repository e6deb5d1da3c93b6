#pragma once
#include "auth/service.h"
#include "core/router.h"
#include "jobs/routes.h"

namespace mg::auth {

void mount(http::Router& router, AuthService& auth, store::Db& db);

// Admits a tenant's admins to /api/jobs (jobs sits below auth, so auth hands it the check)
// and writes their actions to the audit log.
jobs::AdminGuard jobs_admin(AuthService& auth);

// Reads a string field from a JSON body; ApiError 400 naming the field when it is the wrong
// type, or missing and required.
std::string string_field(const Json& body, const std::string& name, bool required = true,
                         std::size_t max_len = 1000);

}  // namespace mg::auth
