#pragma once
// POST /v2/bot/message/multicast: the same messages to up to 500 user ids, with the batch's
// X-Line-Retry-Key (a resend after a crash or timeout is answered 409 and not delivered twice).
#include <string>

#include "channels/line/line_api.h"

namespace mg::line {

// recipients: comma-separated user ids (the outbox row's text); messages_json sent as is.
http::ClientRequest multicast_message_request(const LineEndpoint& ep, const std::string& recipients,
                                              const std::string& messages_json,
                                              const std::string& retry_key);

}  // namespace mg::line
