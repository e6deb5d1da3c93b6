#pragma once
#include <string>
#include <utility>
#include <vector>

namespace mg::http {

struct ClientResponse {
  int status = 0;  // 0 when the request failed before a response (connect error, timeout)
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string error;  // transport error text when status == 0
  std::string header(const std::string& lower_name) const;
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  long timeout_ms = 10000;
};

// Blocking HTTP(S) client on libcurl. Call it from job workers, never from a handler that
// holds a database transaction.
ClientResponse send(const ClientRequest& req);

}  // namespace mg::http
