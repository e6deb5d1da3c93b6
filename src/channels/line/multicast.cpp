#include "channels/line/multicast.h"

#include "core/json.h"

namespace mg::line {

http::ClientRequest multicast_message_request(const LineEndpoint& ep, const std::string& recipients,
                                              const std::string& messages_json,
                                              const std::string& retry_key) {
  std::string base = ep.api_base;
  while (!base.empty() && base.back() == '/') base.pop_back();
  Json to = Json::array();
  size_t start = 0;
  while (start <= recipients.size()) {
    size_t comma = recipients.find(',', start);
    if (comma == std::string::npos) comma = recipients.size();
    if (comma > start) to.push_back(recipients.substr(start, comma - start));
    start = comma + 1;
  }
  http::ClientRequest req;
  req.method = "POST";
  req.url = base + "/v2/bot/message/multicast";
  req.headers = {{"Authorization", "Bearer " + ep.access_token},
                 {"Content-Type", "application/json"},
                 {"X-Line-Retry-Key", retry_key}};
  req.body = "{\"to\":" + to.dump() + ",\"messages\":" + messages_json + "}";
  return req;
}

}  // namespace mg::line
