#pragma once
#include <functional>
#include <optional>
#include <string>

#include "auth/service.h"
#include "core/router.h"
#include "store/db.h"

namespace mg::reservations {

// The resident behind a public request (the web channel's device cookie), resolved by the
// channel so this capability does not depend on it. set_cookie: a Set-Cookie value to send.
struct PublicResident {
  int64_t resident_id = 0;  // 0: none (and create was false)
  std::optional<std::string> set_cookie;
  int64_t tenant_id = 0;  // the path's {tenant} (an unknown one is a 404 first)
};
using ResidentOf = std::function<PublicResident(const http::Request& req, bool create)>;

// Staff: categories and resources (editor), ledger, phone bookings and cancellations
// (operator). Public: resources, availability, a resident's bookings and cancellations,
// iCalendar of opening slots.
void mount(http::Router& router, auth::AuthService& auth, store::Db& db, ResidentOf resident_of);
// Lottery rounds (抽選): staff create, view, draw, publish, cancel and export; residents list
// open rounds and apply (lottery_routes.cpp). Called by mount().
void mount_lottery(http::Router& router, auth::AuthService& auth, store::Db& db,
                   ResidentOf resident_of);

}  // namespace mg::reservations
