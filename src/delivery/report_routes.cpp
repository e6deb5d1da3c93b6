#include "delivery/report_routes.h"

#include <map>
#include <string>

#include "delivery/fiscal_year.h"
#include "faq/stats.h"
#include "handoff/store.h"

namespace mg::delivery {

namespace {

// Fiscal year of a JST day written YYYY-MM-DD (hand-offs are counted per day by handoff/).
int fiscal_year_of_day(const std::string& day) {
  int y = std::stoi(day.substr(0, 4));
  int m = std::stoi(day.substr(5, 2));
  return m >= 4 ? y : y - 1;
}

// FAQ figures per fiscal year for the KPI report (issue 14). Counted by faq/ and handoff/
// through their own functions: delivery links both already (through channels/line), and the
// report stays one request for the console.
std::map<int, faq::DayStats> faq_per_fiscal_year(store::Tx& tx, int64_t tenant_id) {
  std::map<int, faq::DayStats> years;
  if (auto span = faq::question_span(tx, tenant_id))
    for (int fy = fiscal_year(span->first); fy <= fiscal_year(span->second); ++fy)
      years[fy] =
          faq::faq_totals(tx, tenant_id, fiscal_year_start_ms(fy), fiscal_year_start_ms(fy + 1));
  for (const auto& [day, n] : handoff::started_per_day(tx, tenant_id, 0))
    years[fiscal_year_of_day(day)].handed_off += n;
  return years;
}

Json faq_json(const faq::DayStats& d) {
  int64_t rated = d.resolved + d.unresolved;
  return {
      {"asked", d.asked},
      {"answered", d.answered},
      {"resolved", d.resolved},
      {"unresolved", d.unresolved},
      {"unanswered", d.unanswered},
      {"handed_off", d.handed_off},
      {"resolved_share",
       rated ? Json(static_cast<double>(d.resolved) / static_cast<double>(rated)) : Json(nullptr)}};
}

}  // namespace

void register_report_routes(http::Router& router, auth::AuthService& auth, store::Db& db) {
  router.get("/api/delivery-report/fiscal-years", [&auth, &db](http::Request& req) {
    auto who = auth.require(req, auth::Role::viewer);
    auto [deliveries, faq] = db.read([&](store::Tx& tx) {
      return std::pair{deliveries_per_fiscal_year(tx, who.tenant_id),
                       faq_per_fiscal_year(tx, who.tenant_id)};
    });
    // Every fiscal year with deliveries or FAQ activity, newest first.
    std::map<int, FiscalYearCount, std::greater<>> years;
    for (const auto& y : deliveries) years[y.fiscal_year] = y;
    for (const auto& [fy, f] : faq) years[fy].fiscal_year = fy;
    Json items = Json::array();
    for (const auto& [fy, y] : years) {
      auto f = faq.find(fy);
      items.push_back({{"fiscal_year", y.fiscal_year},
                       {"deliveries", y.deliveries},
                       {"targeted", y.targeted},
                       {"sent", y.sent},
                       {"failed", y.failed},
                       {"faq", faq_json(f != faq.end() ? f->second : faq::DayStats{})}});
    }
    return http::Response::json({{"items", items}});
  });
}

}  // namespace mg::delivery
