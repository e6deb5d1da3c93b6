#include "residents/directory.h"

#include "core/clock.h"

namespace mg::residents {

std::optional<Resident> find(store::Tx& tx, int64_t tenant_id, const std::string& channel,
                             const std::string& external_id) {
  auto r = tx.one(
      "SELECT id, status FROM residents WHERE tenant_id = ? AND channel = ? AND external_id = ?",
      {tenant_id, channel, external_id});
  if (!r) return std::nullopt;
  return Resident{r->i64(0), tenant_id, channel, r->str(1)};
}

Resident find_or_create(store::Tx& tx, int64_t tenant_id, const std::string& channel,
                        const std::string& external_id) {
  if (auto r = find(tx, tenant_id, channel, external_id)) return *r;
  int64_t now = clock::now_ms();
  tx.exec(
      "INSERT INTO residents(tenant_id, channel, external_id, status, created_at, updated_at) "
      "VALUES (?, ?, ?, 'active', ?, ?) ON CONFLICT (tenant_id, channel, external_id) DO NOTHING",
      {tenant_id, channel, external_id, now, now});
  return *find(tx, tenant_id, channel, external_id);
}

bool issued(store::Tx& tx, const std::string& channel, const std::string& external_id) {
  return tx
      .one("SELECT 1 FROM residents WHERE channel = ? AND external_id = ? LIMIT 1",
           {channel, external_id})
      .has_value();
}

void set_status(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const std::string& status) {
  tx.exec("UPDATE residents SET status = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
          {status, clock::now_ms(), tenant_id, resident_id});
}

int64_t count(store::Tx& tx, int64_t tenant_id) {
  return tx.one("SELECT COUNT(*) FROM residents WHERE tenant_id = ?", {tenant_id})->i64(0);
}

}  // namespace mg::residents
