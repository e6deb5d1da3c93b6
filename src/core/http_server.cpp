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

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "core/crypto.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/thread_name.h"

namespace mg::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using net::awaitable;
using net::use_awaitable;

namespace {

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
  r.path = url_decode(std::string_view(r.target).substr(0, q));
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

}  // namespace

struct Server::Impl {
  ServerOptions opt;
  Handler handler;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  net::thread_pool pool;
  net::signal_set signals{ioc, SIGINT, SIGTERM};
  std::function<void()> signal_fn;
  std::atomic<bool> stopping{false};
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

  awaitable<void> write_response(beast::tcp_stream& stream, Request& req, Response& res,
                                 bool keep_alive, unsigned version) {
    if (!res.stream) {
      bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), version};
      out.set(bhttp::field::content_type, res.content_type);
      out.set("X-Request-Id", req.request_id);
      for (auto& [k, v] : res.headers) out.insert(k, v);
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
      bool keep_alive = in.keep_alive() && !stopping;
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
      if (stopping) keep_alive = false;
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

  awaitable<void> accept_loop() {
    for (;;) {
      beast::error_code ec;
      auto strand = net::make_strand(ioc);
      tcp::socket sock =
          co_await acceptor.async_accept(strand, net::redirect_error(use_awaitable, ec));
      if (ec) {
        if (!acceptor.is_open()) co_return;
        continue;
      }
      net::co_spawn(strand, session(std::move(sock)), net::detached);
    }
  }
};

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
  return a.local_endpoint().port();
}

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
