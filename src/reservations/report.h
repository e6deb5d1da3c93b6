#pragma once
// What the staff console's statistics read from the ledger: counts per slot start, straight
// from the booking rows (no counter of their own, so they always equal the ledger).
#include <cstdint>
#include <vector>

#include "store/db.h"

namespace mg::reservations {

struct SlotCounts {
  int64_t slot_start = 0;
  int64_t booked_party = 0;  // places taken by booked rows
  int64_t booked = 0;        // booked rows
  int64_t cancelled = 0;     // cancelled rows
};

struct DayCounts {
  int64_t booked_party = 0, booked = 0, cancelled = 0;
};

// Slot starts in [from_ms, to_ms) that have any booking row, in order.
std::vector<SlotCounts> slot_counts(store::Tx& tx, int64_t resource_id, int64_t from_ms,
                                    int64_t to_ms);

}  // namespace mg::reservations
