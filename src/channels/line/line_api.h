#pragma once
// The Messaging API calls the channel makes. Blocking (libcurl): call from background
// threads only, never while holding a database transaction.
#include <string>

#include "core/http_client.h"
#include "core/json.h"

namespace mg::line {

struct LineEndpoint {
  std::string api_base;
  std::string access_token;
};

// The send requests, for http::send or http::ConcurrentClient. `messages_json` is an already
// serialised JSON array (the outbox row's text), sent as is. push: retry_key is
// X-Line-Retry-Key, so a resend after a crash or timeout is deduplicated by LINE.
http::ClientRequest reply_message_request(const LineEndpoint& ep, const std::string& reply_token,
                                          const std::string& messages_json);
http::ClientRequest push_message_request(const LineEndpoint& ep, const std::string& to,
                                         const std::string& messages_json,
                                         const std::string& retry_key);

// GET {data host}/v2/bot/message/{id}/content: the bytes of a photo a resident sent.
http::ClientResponse message_content(const LineEndpoint& ep, const std::string& message_id);

// Generic JSON/binary call for rich menu management.
http::ClientResponse call(const LineEndpoint& ep, const std::string& method, const std::string& url,
                          const std::string& content_type, const std::string& body);

}  // namespace mg::line
