#pragma once
// Residents and their channel identities: a browser's device cookie, a LINE user id.
#include <optional>
#include <string>

#include "store/db.h"

namespace mg::residents {

struct Resident {
  int64_t id = 0;
  int64_t tenant_id = 0;
  std::string channel;  // "web" | "line"
  std::string status;   // "active" | "blocked"
};

// Finds or creates the resident for (channel, external id) inside the caller's transaction.
Resident find_or_create(store::Tx& tx, int64_t tenant_id, const std::string& channel,
                        const std::string& external_id);
std::optional<Resident> find(store::Tx& tx, int64_t tenant_id, const std::string& channel,
                             const std::string& external_id);
// True when some tenant already has this identity, i.e. we issued it (a web device token is
// accepted only if we handed it out; a value planted in a browser is not).
bool issued(store::Tx& tx, const std::string& channel, const std::string& external_id);
void set_status(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const std::string& status);
int64_t count(store::Tx& tx, int64_t tenant_id);

}  // namespace mg::residents
