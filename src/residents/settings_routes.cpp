#include "residents/settings_routes.h"

#include "core/errors.h"
#include "residents/settings.h"

namespace mg::residents {

namespace {
int64_t tenant_of(auth::AuthService& auth, const http::Request& req) {
  auto t = auth.tenant_by_code(req.params.at("tenant"));
  if (!t) throw ApiError::not_found("自治体が見つかりません");
  return t->id;
}

http::Response with_cookie(http::Response res, const CallerResident& c) {
  if (c.set_cookie) res.header("Set-Cookie", *c.set_cookie);
  res.header("Cache-Control", "no-store");  // the resident's own data
  return res;
}
}  // namespace

void mount_settings(http::Router& r, auth::AuthService& auth, store::Db& db, CallerOf caller_of) {
  r.get("/api/public/{tenant}/my/settings", [&auth, &db, caller_of](http::Request& req) {
    int64_t tenant = tenant_of(auth, req);
    auto c = caller_of(req, false);
    return with_cookie(http::Response::json(db.read(
                           [&](store::Tx& tx) { return own_settings(tx, tenant, c.resident_id); })),
                       c);
  });
  r.put("/api/public/{tenant}/my/settings", [&auth, &db, caller_of](http::Request& req) {
    // A JSON content type forces a CORS preflight, so other sites cannot change a resident's
    // settings with their cookie.
    auto ct = req.header("content-type");
    if (!ct || ct->rfind("application/json", 0) != 0)
      throw ApiError(415, "unsupported_type", "Content-Type: application/json で送ってください");
    int64_t tenant = tenant_of(auth, req);
    auto body = req.json_body();
    // Checked before a resident is created for a first-time visitor; a change of nothing
    // creates no resident either.
    bool empty =
        db.read([&](store::Tx& tx) { return checked_own_settings(tx, tenant, body).empty(); });
    auto c = caller_of(req, !empty);
    if (!c.resident_id)
      return with_cookie(
          http::Response::json(db.read([&](store::Tx& tx) { return own_settings(tx, tenant, 0); })),
          c);
    auto out = db.write([&](store::Tx& tx) {
      set_own_settings(tx, tenant, c.resident_id, body);
      return own_settings(tx, tenant, c.resident_id);
    });
    return with_cookie(http::Response::json(out), c);
  });
}

}  // namespace mg::residents
