#include "jobs/job_store.h"

namespace mg::jobs {

std::vector<JobRow> list_jobs(store::Tx& tx, int64_t tenant_id, const std::string& status,
                              int limit) {
  std::vector<JobRow> out;
  for (const auto& j :
       tx.query("SELECT id, kind, status, attempts, last_error, run_at, created_at FROM jobs WHERE "
                "tenant_id = ? AND status = ? ORDER BY id DESC LIMIT ?",
                {tenant_id, status, int64_t{limit}}))
    out.push_back(
        {j.i64(0), j.str(1), j.str(2), j.str(4), static_cast<int>(j.i64(3)), j.i64(5), j.i64(6)});
  return out;
}

std::vector<store::Subquery> count_jobs_queries(int64_t tenant_id) {
  return {{"(SELECT COUNT(*) FROM jobs WHERE tenant_id = ? AND status IN ('pending','running'))",
           {tenant_id}},
          {"(SELECT COUNT(*) FROM jobs WHERE tenant_id = ? AND status = 'dead')", {tenant_id}}};
}

TenantJobCounts count_jobs(store::Tx& tx, int64_t tenant_id) {
  auto v = store::scalars(tx, count_jobs_queries(tenant_id));
  return {v[0], v[1]};
}

bool retry_dead(store::Tx& tx, int64_t tenant_id, int64_t id, int64_t now_ms) {
  return tx.exec(
             "UPDATE jobs SET status = 'pending', attempts = 0, run_at = ?, last_error = '' WHERE "
             "tenant_id = ? AND id = ? AND status = 'dead'",
             {now_ms, tenant_id, id}) > 0;
}

}  // namespace mg::jobs
