#include "channels/line/line_api.h"

#include "channels/line/channel_settings.h"
#include "core/http.h"

namespace mg::line {

namespace {
std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}
}  // namespace

http::ClientResponse call(const LineEndpoint& ep, const std::string& method, const std::string& url,
                          const std::string& content_type, const std::string& body) {
  http::ClientRequest req;
  req.method = method;
  req.url = url;
  req.headers.emplace_back("Authorization", "Bearer " + ep.access_token);
  if (!content_type.empty()) req.headers.emplace_back("Content-Type", content_type);
  req.body = body;
  return http::send(req);
}

http::ClientRequest reply_message_request(const LineEndpoint& ep, const std::string& reply_token,
                                          const std::string& messages_json) {
  http::ClientRequest req;
  req.method = "POST";
  req.url = trim_slash(ep.api_base) + "/v2/bot/message/reply";
  req.headers = {{"Authorization", "Bearer " + ep.access_token},
                 {"Content-Type", "application/json"}};
  req.body = "{\"replyToken\":" + Json(reply_token).dump() + ",\"messages\":" + messages_json + "}";
  return req;
}

http::ClientRequest push_message_request(const LineEndpoint& ep, const std::string& to,
                                         const std::string& messages_json,
                                         const std::string& retry_key) {
  http::ClientRequest req;
  req.method = "POST";
  req.url = trim_slash(ep.api_base) + "/v2/bot/message/push";
  req.headers = {{"Authorization", "Bearer " + ep.access_token},
                 {"Content-Type", "application/json"},
                 {"X-Line-Retry-Key", retry_key}};
  req.body = "{\"to\":" + Json(to).dump() + ",\"messages\":" + messages_json + "}";
  return req;
}

http::ClientResponse message_content(const LineEndpoint& ep, const std::string& message_id) {
  return call(ep, "GET",
              trim_slash(data_api_base(ep.api_base)) + "/v2/bot/message/" +
                  http::url_encode(message_id) + "/content",
              "", "");
}

}  // namespace mg::line
