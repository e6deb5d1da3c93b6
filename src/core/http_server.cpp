// The only translation unit that includes Boost.Beast/Asio.
#include "core/http_server.h"
#include <utility>  // before Asio, for C++20 coroutine support in Boost 1.74

#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "core/crypto.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/sse.h"
#include "core/thread_name.h"

namespace mg::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using net::awaitable;
using net::use_awaitable;

namespace {

// The event streams waiting in this process, by topic, so notify_events can wake them. A
// waker's timer is cancelled on its own strand; `woken` covers a wake that arrives while the
// stream is polling rather than waiting.
struct Waker {
  std::shared_ptr<net::steady_timer> timer;
  std::atomic<bool> woken{false};
  std::atomic<bool> gone{false};  // the client closed (or sent something): stop at once
};
std::mutex wakers_mu;
std::multimap<std::string, std::weak_ptr<Waker>> wakers;

bool is_event_stream(const Response& res) {
  return res.content_type.rfind("text/event-stream", 0) == 0;
}

awaitable<std::pair<std::string, bool>> poll_events(std::function<bool(std::string&)>* poll) {
  std::string out;
  bool more = (*poll)(out);
  co_return std::make_pair(std::move(out), more);
}

Response run_handler(const Handler& handler, Request& req) {
  try {
    return handler(req);
  } catch (const ApiError& e) {
    return Response::error(e.status(), e.code(), e.what(), e.field(), e.details());
  } catch (const std::exception& e) {
    log::error("handler failed",
               {{"request_id", req.request_id}, {"route", req.route}, {"error", e.what()}});
    return Response::error(500, "internal", "サーバーでエラーが発生しました");
  }
}

Request to_request(const bhttp::request<bhttp::string_body>& in, const std::string& remote) {
  Request r;
  r.method = std::string(in.method_string());
  r.target = std::string(in.target());
  auto q = r.target.find('?');
  r.path = url_decode_path(std::string_view(r.target).substr(0, q));
  if (q != std::string::npos) r.query = parse_query(std::string_view(r.target).substr(q + 1));
  r.headers.reserve(16);
  for (const auto& f : in) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  r.body = in.body();
  r.remote_addr = remote;
  auto rid = r.header("x-request-id");
  r.request_id = rid && rid->size() <= 64 ? *rid : crypto::unique_id(10);
  return r;
}

// Coroutines run on the worker pool. Free functions with by-value parameters rather than
// capturing lambdas: GCC 12 mishandles the lifetime of coroutine-lambda captures (we saw a
// double destruction of a captured std::function).
awaitable<Response> call_handler(const Handler* handler, Request* req) {
  co_return run_handler(*handler, *req);
}

awaitable<std::pair<std::string, bool>> produce_chunk(std::function<bool(std::string&)>* producer) {
  std::string buf, chunk;
  bool more = true;
  while (more && buf.size() < 64 * 1024) {
    chunk.clear();
    more = (*producer)(chunk);
    buf += chunk;
  }
  co_return std::make_pair(std::move(buf), more);
}

bool has_header(const Headers& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(), [&](const auto& h) {
    return h.first.size() == name.size() &&
           std::equal(h.first.begin(), h.first.end(), name.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) ==
                    std::tolower(static_cast<unsigned char>(b));
           });
  });
}

// Adds the protective headers a response did not set itself.
template <class Message>
void set_security_headers(Message& out, const Response& res, std::string_view extra_img_src) {
  auto add = [&](const char* name, std::string_view value) {
    if (!has_header(res.headers, name))
      out.set(beast::string_view(name), beast::string_view(value.data(), value.size()));
  };
  add("Content-Security-Policy", content_security_policy(res.content_type, extra_img_src));
  add("X-Frame-Options", "DENY");
  add("X-Content-Type-Options", "nosniff");
  add("Referrer-Policy", "same-origin");
}

// Raises the soft open-file limit as far as the hard one allows and returns it.
std::size_t open_file_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  if (rl.rlim_cur != RLIM_INFINITY && (rl.rlim_max == RLIM_INFINITY || rl.rlim_cur < rl.rlim_max)) {
    rlimit raised = rl;
    raised.rlim_cur =
        rl.rlim_max == RLIM_INFINITY ? std::max<rlim_t>(rl.rlim_cur, 65536) : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  return rl.rlim_cur == RLIM_INFINITY ? std::size_t{1} << 20
                                      : static_cast<std::size_t>(rl.rlim_cur);
}

}  // namespace

std::size_t fit_connection_cap(std::size_t wanted, std::size_t fd_limit) {
  std::size_t reserve = std::max<std::size_t>(32, fd_limit / 4);
  std::size_t room = fd_limit > reserve ? fd_limit - reserve : 1;
  return std::max<std::size_t>(1, std::min(wanted, room));
}

std::string content_security_policy(std::string_view content_type, std::string_view extra_img_src) {
  // The built front end loads only its own hashed scripts and styles (no inline script);
  // React sets style attributes, hence 'unsafe-inline' for styles only.
  if (content_type.rfind("text/html", 0) == 0)
    return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
           "img-src 'self' data: blob:" +
           (extra_img_src.empty() ? std::string() : " " + std::string(extra_img_src)) +
           "; font-src 'self'; connect-src 'self'; object-src 'none'; "
           "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
  // API answers and uploaded attachments must never run as a document.
  return "default-src 'none'; frame-ancestors 'none'";
}

struct Server::Impl {
  ServerOptions opt;
  Handler handler;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  net::thread_pool pool;
  net::signal_set signals{ioc, SIGINT, SIGTERM};
  std::function<void()> signal_fn;
  std::atomic<bool> stopping{false};
  std::atomic<bool> draining{false};
  std::atomic<std::size_t> open_connections{0};
  std::mutex mu;
  // Connections waiting for a next request, woken on stop(); each is cancelled on its strand.
  std::map<void*, std::weak_ptr<beast::tcp_stream>> idle;

  Impl(ServerOptions o, Handler h)
      : opt(std::move(o)),
        handler(std::move(h)),
        ioc(static_cast<int>(opt.io_threads)),
        pool(opt.worker_threads) {}

  void set_idle(const std::shared_ptr<beast::tcp_stream>& s, bool on) {
    std::lock_guard lock(mu);
    if (on)
      idle[s.get()] = s;
    else
      idle.erase(s.get());
  }

  std::atomic<std::size_t> event_streams{0};

  awaitable<void> write_events(beast::tcp_stream& stream, Request& req, Response& res,
                               unsigned version) {
    struct Slot {
      std::atomic<std::size_t>& n;
      ~Slot() { --n; }
    } slot{event_streams};
    bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(res.status), version};
    head.set(bhttp::field::content_type, kEventStreamType);
    head.set(bhttp::field::cache_control, "no-store");
    head.set("X-Request-Id", req.request_id);
    head.set("X-Accel-Buffering", "no");  // a buffering reverse proxy would hold events back
    std::string topic;
    for (auto& [k, v] : res.headers) {
      if (k == kEventTopicHeader)
        topic = v;
      else
        head.insert(k, v);
    }
    if (opt.security_headers) set_security_headers(head, res, opt.extra_img_src);
    head.keep_alive(false);
    head.chunked(true);
    bhttp::response_serializer<bhttp::empty_body> sr{head};
    stream.expires_after(std::chrono::seconds(opt.read_timeout_seconds * 4));
    co_await bhttp::async_write_header(stream, sr, use_awaitable);
    auto waker = std::make_shared<Waker>();
    waker->timer = std::make_shared<net::steady_timer>(co_await net::this_coro::executor);
    std::multimap<std::string, std::weak_ptr<Waker>>::iterator registered;
    if (!topic.empty()) {
      std::lock_guard lock(wakers_mu);
      registered = wakers.emplace(topic, waker);
    }
    struct Unregister {
      const std::string& topic;
      std::multimap<std::string, std::weak_ptr<Waker>>::iterator it;
      ~Unregister() {
        if (topic.empty()) return;
        std::lock_guard lock(wakers_mu);
        wakers.erase(it);
      }
    } unregister{topic, registered};
    // An event-stream client sends nothing after its request, so the socket turning readable
    // means it went away: its slot is freed now rather than at the next failed write.
    stream.socket().async_wait(tcp::socket::wait_read, [waker](const beast::error_code&) {
      waker->gone = true;
      waker->timer->cancel();
    });
    auto started = std::chrono::steady_clock::now();
    auto last_write = started;
    for (;;) {
      auto [buf, more] = co_await net::co_spawn(pool, poll_events(&res.stream), use_awaitable);
      auto now = std::chrono::steady_clock::now();
      if (buf.empty() && now - last_write >= std::chrono::seconds(opt.event_heartbeat_seconds))
        buf = ": keep-alive\n\n";
      if (!buf.empty()) {
        stream.expires_after(std::chrono::seconds(opt.read_timeout_seconds * 4));
        co_await net::async_write(stream, bhttp::make_chunk(net::buffer(buf)), use_awaitable);
        last_write = now;
      }
      if (!more || stopping || waker->gone ||
          now - started >= std::chrono::seconds(opt.event_lifetime_seconds))
        break;
      if (!waker->woken.exchange(false)) {
        waker->timer->expires_after(std::chrono::milliseconds(opt.event_tick_ms));
        beast::error_code ec;
        co_await waker->timer->async_wait(net::redirect_error(use_awaitable, ec));
        waker->woken = false;
        if (waker->gone) break;
      }
    }
    if (waker->gone) co_return;
    beast::error_code ignored;
    stream.socket().cancel(ignored);  // the pending wait_read
    co_await net::async_write(stream, bhttp::make_chunk_last(), use_awaitable);
  }

  awaitable<void> write_response(beast::tcp_stream& stream, Request& req, Response& res,
                                 bool keep_alive, unsigned version) {
    if (is_event_stream(res)) {
      if (req.method == "HEAD" || !res.stream) {
        res.stream = nullptr;
        res.body.clear();
      } else if (++event_streams > opt.max_event_streams) {
        --event_streams;
        res = Response::error(503, "too_many_streams",
                              "只今混み合っています。しばらくしてからもう一度お試しください");
      } else {
        // Counted until write_events returns (its Slot gives the place back).
        co_await write_events(stream, req, res, version);
        co_return;
      }
    }
    if (!res.stream) {
      bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), version};
      out.set(bhttp::field::content_type, res.content_type);
      out.set("X-Request-Id", req.request_id);
      for (auto& [k, v] : res.headers) out.insert(k, v);
      if (opt.security_headers) set_security_headers(out, res, opt.extra_img_src);
      out.keep_alive(keep_alive);
      if (req.method == "HEAD") {
        out.content_length(res.body.size());
      } else {
        out.body() = std::move(res.body);
        out.prepare_payload();
      }
      stream.expires_after(std::chrono::seconds(opt.read_timeout_seconds * 4));
      co_await bhttp::async_write(stream, out, use_awaitable);
      co_return;
    }
    // Streamed body: chunks are produced on the worker pool (they may read the database)
    // and written from here, so memory stays bounded whatever the size.
    bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(res.status), version};
    head.set(bhttp::field::content_type, res.content_type);
    head.set("X-Request-Id", req.request_id);
    for (auto& [k, v] : res.headers) head.insert(k, v);
    if (opt.security_headers) set_security_headers(head, res, opt.extra_img_src);
    head.keep_alive(keep_alive);
    head.chunked(true);
    bhttp::response_serializer<bhttp::empty_body> sr{head};
    co_await bhttp::async_write_header(stream, sr, use_awaitable);
    for (;;) {
      auto [buf, more] = co_await net::co_spawn(pool, produce_chunk(&res.stream), use_awaitable);
      stream.expires_after(std::chrono::seconds(opt.read_timeout_seconds * 4));
      if (!buf.empty())
        co_await net::async_write(stream, bhttp::make_chunk(net::buffer(buf)), use_awaitable);
      if (!more) break;
    }
    co_await net::async_write(stream, bhttp::make_chunk_last(), use_awaitable);
  }

  awaitable<void> session(tcp::socket socket) {
    // Counted from accept (accept_loop incremented it) until the socket is dropped here.
    struct Slot {
      std::atomic<std::size_t>& n;
      ~Slot() { --n; }
    } slot{open_connections};
    auto holder = std::make_shared<beast::tcp_stream>(std::move(socket));
    beast::tcp_stream& stream = *holder;
    std::string remote;
    {
      beast::error_code ec;
      auto ep = stream.socket().remote_endpoint(ec);
      if (!ec) remote = ep.address().to_string();
    }
    beast::flat_buffer buffer;
    for (;;) {
      if (stopping) break;
      beast::error_code ec;
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(opt.max_header_bytes));
      parser.body_limit(opt.max_body_bytes);
      set_idle(holder, true);
      if (stopping) {
        set_idle(holder, false);
        break;
      }
      stream.expires_after(std::chrono::seconds(opt.idle_timeout_seconds));
      co_await bhttp::async_read_header(stream, buffer, parser,
                                        net::redirect_error(use_awaitable, ec));
      set_idle(holder, false);
      if (!ec && !parser.is_done()) {
        stream.expires_after(std::chrono::seconds(opt.read_timeout_seconds));
        co_await bhttp::async_read(stream, buffer, parser, net::redirect_error(use_awaitable, ec));
      }
      if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit) {
        Request req;
        req.request_id = crypto::unique_id(10);
        Response res = ec == bhttp::error::body_limit
                           ? Response::error(413, "too_large", "リクエストが大きすぎます")
                           : Response::error(431, "headers_too_large", "ヘッダーが大きすぎます");
        metrics::observe_request("?", "(too_large)", res.status, 0);
        co_await write_response(stream, req, res, false, 11);
        break;
      }
      if (ec) break;  // closed, timed out or malformed: nothing more to say on this socket
      auto& in = parser.get();
      Request req = to_request(in, remote);
      if (!opt.trusted_proxies.empty())
        req.remote_addr =
            client_address(remote, req.header("x-forwarded-for"), opt.trusted_proxies);
      bool keep_alive = in.keep_alive() && !stopping && !draining;
      auto started = std::chrono::steady_clock::now();
      Response res;
      if (opt.run_inline && opt.run_inline(req))
        res = run_handler(handler, req);
      else
        res = co_await net::co_spawn(pool, call_handler(&handler, &req), use_awaitable);
      double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      metrics::observe_request(req.method, req.route.empty() ? "(none)" : req.route, res.status,
                               secs);
      // The route pattern, never the raw path: paths can carry receipt numbers or ids.
      auto level = res.status >= 500 ? log::Level::error : log::Level::info;
      if (log::enabled(level))
        log::write(level, "request",
                   {{"request_id", req.request_id},
                    {"method", req.method},
                    {"route", req.route},
                    {"status", res.status},
                    {"ms", secs * 1000}});
      if (stopping || draining || is_event_stream(res)) keep_alive = false;
      try {
        co_await write_response(stream, req, res, keep_alive, in.version());
      } catch (const std::exception&) {
        break;
      }
      if (!keep_alive) break;
    }
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  awaitable<void> pause(std::chrono::milliseconds d) {
    net::steady_timer timer(ioc, d);
    beast::error_code ec;
    co_await timer.async_wait(net::redirect_error(use_awaitable, ec));
  }

  awaitable<void> accept_loop() {
    for (;;) {
      // At the cap, leave newcomers in the kernel's backlog until a connection closes.
      while (open_connections.load() >= opt.max_connections && !stopping)
        co_await pause(std::chrono::milliseconds(20));
      if (stopping) co_return;
      beast::error_code ec;
      auto strand = net::make_strand(ioc);
      tcp::socket sock =
          co_await acceptor.async_accept(strand, net::redirect_error(use_awaitable, ec));
      if (ec) {
        if (stopping || ec == net::error::operation_aborted) co_return;
        // Out of descriptors: the pending connection keeps the listener readable, so retrying
        // at once would spin. Wait for open connections to finish instead.
        bool no_fds = ec == net::error::no_descriptors ||
                      ec == beast::error_code(ENFILE, beast::system_category());
        co_await pause(std::chrono::milliseconds(no_fds ? 100 : 10));
        continue;
      }
      ++open_connections;
      net::co_spawn(strand, session(std::move(sock)), net::detached);
    }
  }
};

Response sse_response(const std::string& topic, std::function<bool(std::string& out)> poll) {
  Response res;
  res.content_type = kEventStreamType;
  res.stream = std::move(poll);
  if (!topic.empty()) res.header(kEventTopicHeader, topic);
  return res;
}

std::string sse_event(const std::string& name, const Json& data) {
  return "event: " + name + "\ndata: " + data.dump(-1, ' ', false, Json::error_handler_t::replace) +
         "\n\n";
}

void notify_events(const std::string& topic) {
  std::lock_guard lock(wakers_mu);
  auto [from, to] = wakers.equal_range(topic);
  for (auto it = from; it != to; ++it) {
    auto w = it->second.lock();
    if (!w) continue;
    w->woken = true;
    net::post(w->timer->get_executor(), [timer = w->timer] { timer->cancel(); });
  }
}

Server::Server(ServerOptions options, Handler handler) {
  unsigned hc = std::max(1u, std::thread::hardware_concurrency());
  if (options.io_threads == 0) options.io_threads = hc;
  if (options.worker_threads == 0) options.worker_threads = hc * 4;
  impl_ = std::make_unique<Impl>(std::move(options), std::move(handler));
}

Server::~Server() {
  stop();
  impl_->pool.join();
}

unsigned short Server::bind() {
  auto& listen = impl_->opt.listen;
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("--listen must be ADDR:PORT");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  auto port = static_cast<unsigned short>(std::stoi(listen.substr(colon + 1)));
  tcp::endpoint ep(net::ip::make_address(host.empty() ? "0.0.0.0" : host), port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol());
  a.set_option(net::socket_base::reuse_address(true));
  beast::error_code ec;
  a.bind(ep, ec);
  if (ec) throw std::runtime_error("cannot listen on " + listen + ": " + ec.message());
  a.listen(net::socket_base::max_listen_connections);
  auto& cap = impl_->opt.max_connections;
  std::size_t fitted = fit_connection_cap(cap, open_file_limit());
  if (fitted < cap)
    log::warn("connection cap lowered to fit the open-file limit",
              {{"max_connections", fitted}, {"requested", cap}});
  cap = fitted;
  return a.local_endpoint().port();
}

std::size_t Server::max_connections() const { return impl_->opt.max_connections; }

void Server::on_signal(std::function<void()> fn) { impl_->signal_fn = std::move(fn); }

void Server::run() {
  auto* im = impl_.get();
  im->signals.async_wait([im](const beast::error_code& ec, int) {
    if (ec) return;
    if (im->signal_fn) im->signal_fn();
  });
  net::co_spawn(im->ioc, im->accept_loop(), net::detached);
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < im->opt.io_threads; ++i)
    threads.emplace_back([im] {
      name_this_thread("mg-http-io");
      im->ioc.run();
    });
  im->ioc.run();
  for (auto& t : threads) t.join();
}

void Server::drain() { impl_->draining = true; }
bool Server::draining() const { return impl_->draining; }

void Server::stop() {
  auto* im = impl_.get();
  if (im->stopping.exchange(true)) return;
  // Stop accepting, wake idle keep-alive connections; busy ones finish and then close.
  net::post(im->ioc, [im] {
    beast::error_code ec;
    im->acceptor.close(ec);
    im->signals.cancel(ec);
    std::lock_guard lock(im->mu);
    for (auto& [key, weak] : im->idle) {
      if (auto s = weak.lock()) {
        net::post(s->get_executor(), [weak = weak] {  // clang 14: no structured-binding capture
          if (auto st = weak.lock()) {
            beast::error_code ignored;
            st->socket().cancel(ignored);
          }
        });
      }
    }
  });
}

}  // namespace mg::http
