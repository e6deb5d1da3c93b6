#pragma once
// /api/jobs: a tenant's admins list jobs and retry dead ones.
#include <functional>
#include <string>

#include "core/router.h"
#include "store/db.h"

namespace mg::jobs {

// The admin a request comes from, as auth decides it. jobs sits below auth in the link order
// (auth enqueues jobs), so the check is handed in instead of jobs calling auth.
struct Admin {
  int64_t tenant_id = 0;
  // Writes the audit entry for an action on a job, in the caller's transaction.
  std::function<void(store::Tx&, const std::string& action, const std::string& job_id)> audit;
};
// Throws ApiError (401/403/404) for a request that is not from an admin of a tenant.
using AdminGuard = std::function<Admin(http::Request&)>;

void mount(http::Router& router, store::Db& db, AdminGuard admin);

}  // namespace mg::jobs
