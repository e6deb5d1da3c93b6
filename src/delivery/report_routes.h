#pragma once
// Delivery reports for staff (viewers read):
//   GET /api/delivery-report/fiscal-years   deliveries and FAQ figures per fiscal year
//                                           (April–March, JST): the KPI report
#include "auth/service.h"
#include "core/router.h"
#include "store/db.h"

namespace mg::delivery {

void register_report_routes(http::Router& router, auth::AuthService& auth, store::Db& db);

}  // namespace mg::delivery
