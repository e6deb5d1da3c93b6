#include "delivery/report_routes.h"

#include "delivery/fiscal_year.h"

namespace mg::delivery {

void register_report_routes(http::Router& router, auth::AuthService& auth, store::Db& db) {
  router.get("/api/delivery-report/fiscal-years", [&auth, &db](http::Request& req) {
    auto who = auth.require(req, auth::Role::viewer);
    auto years =
        db.read([&](store::Tx& tx) { return deliveries_per_fiscal_year(tx, who.tenant_id); });
    Json items = Json::array();
    for (const auto& y : years)
      items.push_back({{"fiscal_year", y.fiscal_year},
                       {"deliveries", y.deliveries},
                       {"targeted", y.targeted},
                       {"sent", y.sent},
                       {"failed", y.failed}});
    return http::Response::json({{"items", items}});
  });
}

}  // namespace mg::delivery
