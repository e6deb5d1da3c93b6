#pragma once
// The garbage tables (migration 19): one imported calendar per tenant, replaced as a whole.
#include <cstdint>
#include <optional>

#include "garbage/model.h"
#include "store/db.h"

namespace mg::garbage {

struct ImportInfo {
  int64_t imported_at = 0;
  std::optional<int64_t> imported_by;
};

// Replaces the tenant's calendar and dictionary in the caller's transaction.
void replace(store::Tx& tx, int64_t tenant_id, const GarbageCalendar& cal,
             std::optional<int64_t> staff_id, int64_t now_ms);
// nullopt when the tenant has imported nothing.
std::optional<GarbageCalendar> load(store::Tx& tx, int64_t tenant_id);
std::optional<ImportInfo> import_info(store::Tx& tx, int64_t tenant_id);

}  // namespace mg::garbage
