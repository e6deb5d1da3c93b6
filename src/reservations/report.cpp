#include "reservations/report.h"

namespace mg::reservations {

std::vector<SlotCounts> slot_counts(store::Tx& tx, int64_t resource_id, int64_t from_ms,
                                    int64_t to_ms) {
  std::vector<SlotCounts> out;
  tx.each(
      "SELECT slot_start, "
      "COALESCE(SUM(CASE WHEN status = 'booked' THEN party ELSE 0 END), 0), "
      "COALESCE(SUM(CASE WHEN status = 'booked' THEN 1 ELSE 0 END), 0), "
      "COALESCE(SUM(CASE WHEN status = 'booked' THEN 0 ELSE 1 END), 0) "
      "FROM bookings WHERE resource_id = ? AND slot_start >= ? AND slot_start < ? "
      "GROUP BY slot_start ORDER BY slot_start",
      {resource_id, from_ms, to_ms}, [&](const store::Row& r) {
        out.push_back({r.i64(0), r.i64(1), r.i64(2), r.i64(3)});
        return true;
      });
  return out;
}

}  // namespace mg::reservations
