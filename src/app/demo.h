#pragma once
#include <string>

#include "auth/service.h"
#include "services/catalog.h"
#include "store/db.h"

namespace mg::app {

struct DemoSetup {
  int64_t tenant_id = 0;
  bool created = false;
  std::string admin_email, admin_password;  // password only when just created
  // An operator of 環境課, to try department scoping (sees only 環境課's applications).
  std::string operator_email, operator_password;
};

// Creates the demo municipality (code "demo") and its admin on first start.
DemoSetup ensure_demo(store::Db& db, auth::AuthService& auth);

// Loads every <dir>/*.csv as the lookup list (名簿) named after the file, so the demo's services
// that check a list (給付金) can succeed. Returns the number of lists loaded.
int load_demo_lists(store::Db& db, int64_t tenant_id, const std::string& dir);

// A demo 施設予約: two resources (a meeting room, a gym) in two categories and the service
// from <dir> that books them through the chat. Returns the number of services imported.
int add_demo_reservations(store::Db& db, services::Catalog& catalog, int64_t tenant_id,
                          const std::string& dir);

}  // namespace mg::app
