#pragma once
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/http.h"

namespace mg::http {

// The connection cap to use under an open-file limit: `wanted`, lowered so that a reserve of
// a quarter of the limit (at least 32 descriptors) stays free for the database, files and
// outgoing requests; never below 1.
std::size_t fit_connection_cap(std::size_t wanted, std::size_t fd_limit);

// Content-Security-Policy for a response of this content type. `extra_img_src` (e.g. the map
// tile host "https://*.tile.openstreetmap.org") is added to pages' img-src and nowhere else.
std::string content_security_policy(std::string_view content_type,
                                    std::string_view extra_img_src = {});

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";
  unsigned io_threads = 0;      // 0 = hardware concurrency
  unsigned worker_threads = 0;  // handler pool; 0 = 2 * hardware concurrency
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  int read_timeout_seconds = 30;
  int idle_timeout_seconds = 60;
  // Open client connections at most; over it the server stops accepting (the kernel queues
  // newcomers) and keeps serving the open ones. Lowered at bind() to fit the open-file limit
  // minus a reserve for the database, files and outgoing requests.
  std::size_t max_connections = 1000;
  // Content-Security-Policy (one for HTML pages, a deny-all one for everything else),
  // X-Frame-Options, Referrer-Policy and nosniff on every response that does not set its own.
  bool security_headers = false;
  // One more img-src source for pages (the operator's map tile host); validated by the caller.
  std::string extra_img_src;
  // Addresses of the operator's reverse proxies: only from these is X-Forwarded-For believed
  // (the client address then drives login throttling, upload quotas and the audit log).
  std::vector<std::string> trusted_proxies;
  // When set and true for a request, its handler runs on the network thread instead of the
  // worker pool: two thread hand-offs fewer, for handlers that never block (line-sim's
  // in-memory Messaging API). Everything else keeps the pool.
  std::function<bool(const Request&)> run_inline;
  // Server-sent event streams open at once in this process; more answer 503 (each holds a
  // connection and polls the database every tick).
  std::size_t max_event_streams = 200;
  int event_tick_ms = 1000;          // how often a stream polls without being woken
  int event_heartbeat_seconds = 15;  // a comment line when nothing was sent for this long
  int event_lifetime_seconds = 600;  // then the stream ends and the browser reconnects
};

// Boost.Beast HTTP/1.1 server. Handlers run on a worker pool so database work never
// stalls the network threads. Keep-alive, timeouts, size limits (413 JSON), graceful stop.
class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds; throws std::runtime_error when the address is taken. Returns the bound port.
  // Also raises the soft open-file limit to the hard one and fits max_connections to it.
  unsigned short bind();
  // Blocks until stop() has been called and in-flight requests have finished.
  void run();
  // Safe from any thread and from signal-watch callbacks: stops accepting, drains, returns.
  void stop();
  // The first step of a graceful stop behind a load balancer: keeps serving, but every
  // response from now on closes its connection, so no proxy reuses a kept-alive connection
  // that stop() would close under it. Safe from any thread.
  void drain();
  bool draining() const;
  // Calls fn on SIGINT/SIGTERM (from a network thread) while run() is active.
  void on_signal(std::function<void()> fn);
  // The connection cap in effect after bind().
  std::size_t max_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mg::http
