#pragma once
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mg::http {

struct ClientResponse {
  int status = 0;  // 0 when the request failed before a response (connect error, timeout)
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string error;      // transport error text when status == 0
  bool not_sent = false;  // ConcurrentClient stopped before the request was started
  std::string header(const std::string& lower_name) const;
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  long timeout_ms = 10000;
  // ConcurrentClient only: asked right before the request leaves its queue; false answers it
  // not_sent without sending (a sender that lost its lease on the work must not send it).
  std::function<bool()> may_start;
};

// Blocking HTTP(S) client on libcurl. Call it from job workers, never from a handler that
// holds a database transaction.
ClientResponse send(const ClientRequest& req);

// Many requests in flight on one thread (libcurl's multi interface; connections are kept
// alive and reused), for senders that would otherwise need a thread per outstanding request.
// `done` runs on that thread: keep it short (hand the response to another queue).
class ConcurrentClient {
 public:
  using Done = std::function<void(ClientResponse)>;
  explicit ConcurrentClient(int max_in_flight);
  ~ConcurrentClient();
  ConcurrentClient(const ConcurrentClient&) = delete;
  ConcurrentClient& operator=(const ConcurrentClient&) = delete;

  void submit(ClientRequest req, Done done);
  // Lets the requests in progress finish (their own timeouts bound this), then answers every
  // request not started yet with not_sent = true, on the calling thread. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mg::http
