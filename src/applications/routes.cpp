#include "applications/routes.h"

#include "applications/application_store.h"
#include "applications/attachments.h"
#include "applications/lookup_lists.h"
#include "applications/lookup_routes.h"
#include "applications/results.h"
#include "auth/routes.h"
#include "auth/store.h"
#include "core/errors.h"
#include "jobs/job_store.h"
#include "residents/directory.h"
#include "services/routes.h"
#include "services/store.h"

namespace mg::applications {

namespace {
int64_t int_param(const http::Request& req, const std::string& name, int64_t lo, int64_t hi) {
  auto v = req.query_or(name);
  try {
    std::size_t used = 0;
    int64_t n = std::stoll(v, &used);
    if (used != v.size() || n < lo || n > hi) throw std::out_of_range(name);
    return n;
  } catch (const std::exception&) {
    throw ApiError::bad_request(name + " は " + std::to_string(lo) + "〜" + std::to_string(hi) +
                                    " の数値で指定してください",
                                name);
  }
}
}  // namespace

ListFilter filter_from(const http::Request& req) {
  ListFilter f;
  f.status = req.query_or("status");
  if (!f.status.empty() && !valid_status(f.status))
    throw ApiError::bad_request("状態が正しくありません", "status");
  f.department = req.query_or("department");
  f.q = req.query_or("q");
  if (f.q.size() > 200) throw ApiError::bad_request("検索語が長すぎます", "q");
  if (!req.query_or("service_id").empty())
    f.service_id = int_param(req, "service_id", 1, INT64_MAX);
  if (!req.query_or("from").empty()) f.from_ms = int_param(req, "from", 0, INT64_MAX);
  if (!req.query_or("to").empty()) f.to_ms = int_param(req, "to", 0, INT64_MAX);
  if (!req.query_or("limit").empty()) f.limit = int_param(req, "limit", 1, 500);
  if (!req.query_or("offset").empty()) f.offset = int_param(req, "offset", 0, 100000000);
  return f;
}

void mount(http::Router& r, auth::AuthService& auth, store::Db& db, services::Catalog& catalog,
           Inbox& inbox) {
  using auth::Role;
  r.get("/api/dashboard", [&](http::Request& req) {
    auto p = auth.require(req);
    auto scope = department_scope(p);
    // Each capability counts its own rows, all in one read transaction. Application counts
    // cover only what the staff member may see.
    // Each capability contributes its own count subqueries; they go to the database as one
    // statement (one round trip on PostgreSQL).
    std::vector<store::Subquery> q{auth::sql::count_staff_query(p.tenant_id),
                                   residents::count_query(p.tenant_id)};
    for (auto& s : services::sql::count_services_queries(p.tenant_id)) q.push_back(std::move(s));
    for (auto& s : sql::count_applications_queries(p.tenant_id, scope)) q.push_back(std::move(s));
    for (auto& s : jobs::count_jobs_queries(p.tenant_id)) q.push_back(std::move(s));
    // Counts, the tenant and the newest applications in one transaction (on PostgreSQL three
    // statements, the first sent with BEGIN).
    return http::Response::json(db.read([&](store::Tx& tx) {
      auto v = store::scalars(tx, q);
      Json counts{{"staff", v[0]},        {"residents", v[1]},
                  {"services", v[2]},     {"services_published", v[3]},
                  {"applications", v[4]}, {"applications_open", v[5]},
                  {"jobs_pending", v[6]}, {"jobs_dead", v[7]}};
      Json body{{"counts", counts}};
      auto tenant = auth::sql::tenant_by_id(tx, p.tenant_id);
      if (!tenant) throw ApiError::not_found();
      body["tenant"] = tenant->to_json();
      body["recent_applications"] = inbox.recent(tx, p.tenant_id, 5, scope);
      return body;
    }));
  });

  r.get("/api/applications", [&](http::Request& req) {
    auto p = auth.require(req);
    auto f = filter_from(req);
    f.scope = department_scope(p);
    return http::Response::json(inbox.list(p.tenant_id, f));
  });
  // Registered before /{id} so "export.csv" is not taken for an id.
  r.get("/api/applications/export.csv", [&](http::Request& req) {
    auto p = auth.require(req);
    auto f = filter_from(req);
    f.scope = department_scope(p);
    http::Response res;
    res.content_type = "text/csv; charset=utf-8";
    res.header("Content-Disposition", "attachment; filename=\"applications.csv\"");
    // HEAD (the router answers it with this GET handler) exports nothing, so it must leave no
    // audit row and run no query.
    if (req.method == "HEAD") return res;
    db.write([&](store::Tx& tx) { auth::audit(tx, p, "application.export", "application", ""); });
    res.stream = inbox.export_csv(p.tenant_id, f);
    return res;
  });
  // The results page: counts per choice, ratings and statuses of one service's applications
  // submitted within an optional JST day range (from/to as YYYY-MM-DD, inclusive).
  r.get("/api/services/{id}/results", [&](http::Request& req) {
    auto p = auth.require(req);
    int64_t id = services::id_param(req);
    auto range = day_range(req.query_or("from"), req.query_or("to"));
    return http::Response::json(service_results(db, p.tenant_id, id, range, department_scope(p)));
  });
  r.get("/api/applications/{id}", [&](http::Request& req) {
    auto p = auth.require(req);
    return http::Response::json(
        inbox.detail(p.tenant_id, services::id_param(req), department_scope(p)));
  });
  r.patch("/api/applications/{id}", [&](http::Request& req) {
    auto p = auth.require(req, Role::operator_);
    return http::Response::json(inbox.update(p, services::id_param(req), req.json_body()));
  });
  r.post("/api/applications/{id}/corrections", [&](http::Request& req) {
    auto p = auth.require(req, Role::operator_);
    auto body = req.json_body();
    std::vector<std::string> steps;
    if (!body.contains("step_ids") || !body["step_ids"].is_array())
      throw ApiError::bad_request("step_ids は配列で指定してください", "step_ids");
    for (const auto& s : body["step_ids"]) {
      if (!s.is_string()) throw ApiError::bad_request("step_ids は文字列の配列です", "step_ids");
      steps.push_back(s.get<std::string>());
    }
    auto reason = auth::string_field(body, "reason", true, 2000);
    return http::Response::json(inbox.request_correction(p, services::id_param(req), steps, reason),
                                201);
  });
  r.get("/api/attachments/{id}", [&](http::Request& req) {
    auto p = auth.require(req);
    int64_t id = services::id_param(req);
    auto a = db.read(
        [&](store::Tx& tx) { return load_attachment(tx, p.tenant_id, id, department_scope(p)); });
    if (!a) throw ApiError::not_found();
    auto res = http::Response::text(std::move(a->data), a->content_type);
    res.header("Cache-Control", "private, max-age=3600");
    res.header("X-Content-Type-Options", "nosniff");
    return res;
  });
  register_lookup_routes(r, auth, db, catalog);
}

}  // namespace mg::applications
