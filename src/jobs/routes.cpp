#include "jobs/routes.h"

#include "core/clock.h"
#include "core/errors.h"
#include "jobs/job_store.h"

namespace mg::jobs {

namespace {
int64_t job_id(const http::Request& req) {
  auto it = req.params.find("id");
  if (it == req.params.end() || it->second.empty() || it->second.size() > 18 ||
      it->second.find_first_not_of("0123456789") != std::string::npos)
    throw ApiError::not_found();
  return std::stoll(it->second);
}
}  // namespace

void mount(http::Router& r, store::Db& db, AdminGuard admin) {
  r.get("/api/jobs", [&db, admin](http::Request& req) {
    auto a = admin(req);
    std::string status = req.query_or("status", "dead");
    Json items = Json::array();
    for (const auto& j :
         db.read([&](store::Tx& tx) { return list_jobs(tx, a.tenant_id, status, 200); }))
      items.push_back({{"id", j.id},
                       {"kind", j.kind},
                       {"status", j.status},
                       {"attempts", j.attempts},
                       {"last_error", j.last_error},
                       {"run_at", j.run_at},
                       {"created_at", j.created_at}});
    return http::Response::json({{"items", items}});
  });
  r.post("/api/jobs/{id}/retry", [&db, admin](http::Request& req) {
    auto a = admin(req);
    int64_t id = job_id(req);
    db.write([&](store::Tx& tx) {
      if (!retry_dead(tx, a.tenant_id, id, clock::now_ms())) throw ApiError::not_found();
      a.audit(tx, "job.retry", std::to_string(id));
    });
    return http::Response::json({{"id", id}, {"status", "pending"}});
  });
}

}  // namespace mg::jobs
