#pragma once
// The residents' web chat API: no account; a device cookie identifies the browser.
#include "applications/attachments.h"
#include "applications/chat.h"
#include "applications/inbox.h"
#include "auth/service.h"
#include "channels/web/map_settings.h"
#include "core/router.h"
#include "services/catalog.h"

namespace mg::web {

void mount(http::Router& router, auth::AuthService& auth, store::Db& db, services::Catalog& catalog,
           applications::ChatService& chat, applications::Inbox& inbox, bool secure_cookies,
           const applications::UploadLimits& upload_limits, const MapSettings& map = {});

// The resident behind the browser's device cookie, for other capabilities' public routes
// (reservations): the same identity the chat uses. set_cookie is the Set-Cookie value to
// send back (a token just issued, or one to forget), if any.
struct DeviceResident {
  int64_t resident_id = 0;
  std::optional<std::string> set_cookie;
  int64_t tenant_id = 0;  // the {tenant} of the path (404 before this when unknown)
};
DeviceResident device_resident(auth::AuthService& auth, store::Db& db, const http::Request& req,
                               bool create, bool secure);

}  // namespace mg::web
