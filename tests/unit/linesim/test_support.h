#pragma once
// Helpers for driving a Platform in-process: build requests, capture webhooks.
#include <mutex>
#include <string>
#include <vector>

#include "core/http.h"
#include "linesim/platform.h"

namespace mg::linesim::testing {

inline http::Request make_request(std::string method, std::string path, std::string body = {},
                                  http::Headers headers = {}) {
  http::Request r;
  r.method = std::move(method);
  auto q = path.find('?');
  r.target = path;
  r.path = path.substr(0, q);
  if (q != std::string::npos) r.query = http::parse_query(path.substr(q + 1));
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

inline std::string header_of(const http::Response& res, const std::string& name) {
  for (const auto& [k, v] : res.headers)
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(a) == std::tolower(b);
        }))
      return v;
  return {};
}

// Records webhook posts instead of sending them; answers with `status`.
struct WebhookCapture {
  std::mutex mu;
  std::vector<http::ClientRequest> posts;
  int status = 200;
  Transport transport() {
    return [this](const http::ClientRequest& req) {
      std::lock_guard lock(mu);
      posts.push_back(req);
      http::ClientResponse res;
      res.status = status;
      return res;
    };
  }
  std::size_t count() {
    std::lock_guard lock(mu);
    return posts.size();
  }
};

inline constexpr const char* kToken = "test-access-token";
inline constexpr const char* kSecret = "test-channel-secret";

class PlatformFixture {
 public:
  WebhookCapture capture;
  SettableClock sim_clock;  // the platform's time, moved by tests
  Platform platform;

  PlatformFixture() : platform(make_config(), sim_clock) {}

  Config make_config() {
    Config c;
    c.webhook_url = "http://bot.invalid/webhook";
    c.channel_secret = kSecret;
    c.access_token = kToken;
    c.transport = capture.transport();
    return c;
  }

  http::Response api(const std::string& method, const std::string& path, const Json& body,
                     http::Headers extra = {}) {
    extra.emplace_back("authorization", std::string("Bearer ") + kToken);
    extra.emplace_back("content-type", "application/json");
    auto req = make_request(method, path, body.is_null() ? "" : body.dump(), std::move(extra));
    return platform.handle(req);
  }
  http::Response get(const std::string& path) { return api("GET", path, nullptr); }

  // A following resident and the reply token of its follow event.
  std::pair<std::string, std::string> resident() {
    Json r = platform.create_resident(Json::object());
    return {r["userId"], r["event"]["replyToken"]};
  }
};

inline Json text_messages(int n) {
  Json arr = Json::array();
  for (int i = 0; i < n; ++i)
    arr.push_back({{"type", "text"}, {"text", "msg " + std::to_string(i)}});
  return arr;
}

}  // namespace mg::linesim::testing
