#pragma once
// Webhook event objects shaped as LINE's webhook.yml: common fields (type, timestamp, mode,
// webhookEventId, deliveryContext, source) plus the type-specific ones.
#include <cstdint>
#include <string>

#include "core/json.h"

namespace mg::linesim::events {

// Common fields for a one-to-one chat event from user_id at ts (ms).
Json base(const std::string& type, const std::string& user_id, int64_t ts);

Json follow(const std::string& user_id, const std::string& reply_token, bool is_unblocked,
            int64_t ts);
Json unfollow(const std::string& user_id, int64_t ts);
// `content` is the MessageContent object (type, id, and type-specific fields).
Json message(const std::string& user_id, const std::string& reply_token, Json content, int64_t ts);
// params: {date|time|datetime} or {newRichMenuAliasId, status}; null when absent.
Json postback(const std::string& user_id, const std::string& reply_token, const std::string& data,
              const Json& params, int64_t ts);

// The webhook request body: {"destination": bot user ID, "events": [...]}.
Json callback_body(const std::string& destination, const Json& events);

}  // namespace mg::linesim::events
