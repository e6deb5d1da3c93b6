#include "delivery/fiscal_year.h"

#include <chrono>
#include <map>

#include "calendar/recurrence.h"

namespace mg::delivery {

int fiscal_year(int64_t t_ms) {
  auto d = calendar::jst_date(t_ms);
  int y = static_cast<int>(d.year());
  return static_cast<unsigned>(d.month()) >= 4 ? y : y - 1;
}

int64_t fiscal_year_start_ms(int fy) {
  namespace chr = std::chrono;
  chr::sys_days d{chr::year(fy) / chr::April / 1};
  return chr::duration_cast<chr::milliseconds>(d.time_since_epoch()).count() - 9 * 3600 * 1000;
}

std::vector<FiscalYearCount> deliveries_per_fiscal_year(store::Tx& tx, int64_t tenant_id) {
  // Campaigns are a few hundred a year per town: summed here rather than with a date function
  // each backend spells differently.
  std::map<int, FiscalYearCount, std::greater<>> years;
  for (const auto& r : tx.query(
           "SELECT queued_at, targeted_count, sent_count, failed_count FROM campaigns WHERE "
           "tenant_id = ? AND queued_at IS NOT NULL AND (status <> 'cancelled' OR sent_count > 0)",
           {tenant_id})) {
    int fy = fiscal_year(r.i64(0));
    auto& c = years[fy];
    c.fiscal_year = fy;
    c.deliveries += 1;
    c.targeted += r.i64(1);
    c.sent += r.i64(2);
    c.failed += r.i64(3);
  }
  std::vector<FiscalYearCount> out;
  for (const auto& [fy, c] : years) out.push_back(c);
  return out;
}

}  // namespace mg::delivery
