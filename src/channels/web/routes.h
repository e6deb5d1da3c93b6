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

}  // namespace mg::web
