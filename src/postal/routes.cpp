#include "postal/routes.h"

#include "core/errors.h"
#include "postal/service.h"

namespace mg::postal {

void mount(http::Router& router, auth::AuthService& auth, store::Db& db) {
  router.get("/api/public/{tenant}/postal/{code}", [&](http::Request& req) {
    if (!auth.tenant_by_code(req.params.at("tenant")))
      throw ApiError::not_found("自治体が見つかりません");
    auto found = lookup(db, req.params.at("code"));
    Json items = Json::array();
    for (const auto& r : found)
      items.push_back({{"prefecture", r.prefecture}, {"city", r.city}, {"town", r.town}});
    return http::Response::json({{"code", found.front().code}, {"candidates", items}});
  });
}

}  // namespace mg::postal
