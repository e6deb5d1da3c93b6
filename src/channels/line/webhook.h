#pragma once
// POST /line/{tenant}/webhook: verify the signature over the raw body, store the events
// (a redelivered webhookEventId is a no-op), answer 200 at once; processing happens later.
#include <functional>

#include "auth/service.h"
#include "core/http.h"
#include "store/db.h"

namespace mg::line {

struct WebhookReceipt {
  int received = 0;  // events in the body
  int stored = 0;    // new ones (the rest were redeliveries)
};

// Inserts the events of an already verified body. Throws ApiError 400 on a malformed body.
WebhookReceipt store_events(store::Db& db, int64_t tenant_id, const std::string& raw_body);

// Drops the webhook's in-memory copy of every channel's settings: called after an admin saves
// them, so a replaced secret stops verifying at once.
void forget_cached_channel_settings();

http::Response receive_webhook(http::Request& req, auth::AuthService& auth, store::Db& db,
                               const std::function<void()>& events_stored);

}  // namespace mg::line
