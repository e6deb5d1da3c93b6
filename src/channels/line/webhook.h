#pragma once
// POST /line/{tenant}/webhook: verify the signature over the raw body, store the events
// (a redelivered webhookEventId is a no-op), answer 200 at once; processing happens later.
#include <functional>
#include <string>
#include <vector>

#include "auth/service.h"
#include "core/http.h"
#include "store/db.h"

namespace mg::line {

struct WebhookReceipt {
  int received = 0;  // events in the body
  int stored = 0;    // new ones (the rest were redeliveries)
};

// One event of a webhook body as stored in line_events (status pending, skipped or failed).
struct WebhookEventRow {
  std::string id, user, type, body, status, reason;
  int64_t ts = 0;
};

// Parses a verified body into rows, classifying each event (classify_event). Pure (no
// database): throws ApiError 400 when the body is not a JSON object with an events array.
std::vector<WebhookEventRow> parse_webhook_body(const std::string& raw_body, int& received);

// Inserts the events of an already verified body. Throws ApiError 400 on a malformed body.
WebhookReceipt store_events(store::Db& db, int64_t tenant_id, const std::string& raw_body);

// Drops the webhook's in-memory copy of every channel's settings: called after an admin saves
// them, so a replaced secret stops verifying at once.
void forget_cached_channel_settings();

http::Response receive_webhook(http::Request& req, auth::AuthService& auth, store::Db& db,
                               const std::function<void()>& events_stored);

}  // namespace mg::line
