#include "residents/import_routes.h"

#include "core/errors.h"
#include "residents/condition.h"
#include "residents/import.h"

namespace mg::residents {

namespace {
Json errors_json(const std::vector<CellError>& errors) {
  Json out = Json::array();
  for (const auto& e : errors)
    out.push_back({{"row", e.row}, {"column", e.column}, {"message", e.message}});
  return out;
}

Json report_json(const ImportReport& r) {
  return {{"encoding", r.encoding},          {"rows", r.rows},
          {"imported", r.imported},          {"created", r.created},
          {"bad_rows", r.bad_rows},          {"error_count", r.error_count},
          {"errors", errors_json(r.errors)}, {"written", r.written}};
}
}  // namespace

void register_import_routes(http::Router& r, auth::AuthService& auth, store::Db& db) {
  using auth::Role;
  r.post("/api/residents/count", [&](http::Request& req) {
    auto p = auth.require(req);
    Json body = req.json_body();
    Json condition = body.contains("condition") ? body["condition"] : Json();
    CompileOptions options;
    if (body.contains("include_blocked")) {
      if (!body["include_blocked"].is_boolean())
        throw ApiError::bad_request("include_blocked は true か false にしてください",
                                    "include_blocked");
      options.include_blocked = body["include_blocked"].get<bool>();
    }
    // One pass grouped by channel and status, so staff see who the count leaves out
    // (residents who blocked the account) and how many a LINE delivery would reach.
    auto counts = db.read([&](store::Tx& tx) {
      CompileOptions all = options;
      all.include_blocked = true;
      all.backend = tx.backend();
      return count_by_channel(
          tx, p.tenant_id,
          compile_condition(condition, load_definitions(tx, p.tenant_id), p.tenant_id, all));
    });
    int64_t n = 0, line = 0, web = 0;
    for (const auto& c : counts) {
      if (c.status == "blocked" && !options.include_blocked) continue;
      n += c.count;
      if (c.status == "active") (c.channel == "line" ? line : web) += c.count;
    }
    int64_t blocked = 0;
    for (const auto& c : counts)
      if (c.status == "blocked") blocked += c.count;
    return http::Response::json(
        {{"count", n}, {"blocked", blocked}, {"active", {{"line", line}, {"web", web}}}});
  });
  // The body is the file itself (like the lookup-list upload). Checked whole before anything
  // is written; with errors, nothing is written unless ?skip_bad_rows=1.
  r.post("/api/residents/import", [&](http::Request& req) {
    auto p = auth.require(req, Role::admin);
    ImportOptions options;
    options.skip_bad_rows = req.query_or("skip_bad_rows") == "1";
    // Below the server's request limit (10 MB by default), so an oversize file gets this
    // message rather than a dropped connection halfway through the upload.
    options.limits.max_bytes = 8 * 1024 * 1024;
    auto report = import_attributes(db, p.tenant_id, std::move(req.body), options);
    if (!report.written)
      throw ApiError(400, "invalid_csv",
                     "CSV に誤りが " + std::to_string(report.error_count) +
                         " か所あります。何も取り込んでいません",
                     "csv")
          .with_details(errors_json(report.errors));
    db.write([&](store::Tx& tx) {
      auth::audit(tx, p, "residents.import", "residents", "",
                  {{"rows", report.imported},
                   {"created", report.created},
                   {"bad_rows", report.bad_rows},
                   {"encoding", report.encoding}});
    });
    return http::Response::json(report_json(report));
  });
  r.get("/api/residents/export.csv", [&](http::Request& req) {
    auto p = auth.require(req, Role::admin);
    auto key_param = req.query_or("key", "resident_id");
    if (key_param != "resident_id" && key_param != "line_user_id")
      throw ApiError::bad_request("key は resident_id か line_user_id にしてください", "key");
    auto key = key_param == "line_user_id" ? ResidentKey::line_user_id : ResidentKey::resident_id;
    http::Response res;
    res.content_type = "text/csv; charset=utf-8";
    res.header("Content-Disposition", "attachment; filename=\"residents.csv\"");
    res.header("Cache-Control", "no-store");
    if (req.method == "HEAD") return res;
    // Residents' attributes are personal data: each export is in the audit log.
    res.body = db.write([&](store::Tx& tx) {
      auto csv = export_attributes_csv(tx, p.tenant_id, key);
      auth::audit(tx, p, "residents.export", "residents", "", {{"key", key_param}});
      return csv;
    });
    return res;
  });
}

}  // namespace mg::residents
