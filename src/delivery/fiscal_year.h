#pragma once
// Deliveries counted per fiscal year (年度, April–March in JST) for the KPI report: a campaign
// counts in the fiscal year of the moment it was queued (sent on request); cancelled campaigns
// count only when some batch had already gone out.
#include <cstdint>
#include <vector>

#include "store/db.h"

namespace mg::delivery {

// The fiscal year an instant falls in, named by the calendar year it starts in (JST):
// 2027-03-31 23:59 JST is fiscal 2026, 2027-04-01 00:00 JST fiscal 2027.
int fiscal_year(int64_t t_ms);
// The instant fiscal year `fy` starts: 1 April 00:00 JST.
int64_t fiscal_year_start_ms(int fy);

struct FiscalYearCount {
  int fiscal_year = 0;
  int64_t deliveries = 0, targeted = 0, sent = 0, failed = 0;
};
// Newest fiscal year first.
std::vector<FiscalYearCount> deliveries_per_fiscal_year(store::Tx& tx, int64_t tenant_id);

}  // namespace mg::delivery
