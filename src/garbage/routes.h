#pragma once
#include "auth/service.h"
#include "core/router.h"
#include "store/db.h"

namespace mg::garbage {

// Staff: import (admin) and view the calendar. Public: districts, days, iCalendar feeds.
void mount(http::Router& router, auth::AuthService& auth, store::Db& db);

}  // namespace mg::garbage
