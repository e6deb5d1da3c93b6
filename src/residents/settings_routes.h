#pragma once
// The residents' own 受信設定 on the web (rules in settings.h):
//   GET /api/public/{tenant}/my/settings  the editable items and the caller's values
//   PUT /api/public/{tenant}/my/settings  {"values": {key: value}}; answers like GET
// The resident is the caller's device (the web channel resolves it, so this capability does
// not depend on the channel); no resident id is ever taken from the request.
#include <functional>
#include <optional>
#include <string>

#include "auth/service.h"
#include "core/router.h"
#include "store/db.h"

namespace mg::residents {

struct CallerResident {
  int64_t resident_id = 0;  // 0: none (and create was false)
  std::optional<std::string> set_cookie;
};
using CallerOf = std::function<CallerResident(const http::Request& req, bool create)>;

void mount_settings(http::Router& router, auth::AuthService& auth, store::Db& db,
                    CallerOf caller_of);

}  // namespace mg::residents
