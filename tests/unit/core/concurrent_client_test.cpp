// http::ConcurrentClient against the real HTTP server in-process: requests run concurrently up
// to the limit, every submission is answered exactly once, and stop() hands back the ones it
// never started.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/http_client.h"
#include "core/http_server.h"
#include "core/log.h"

namespace mg::http {
namespace {

class SlowServer {
 public:
  explicit SlowServer(int delay_ms) {
    log::set_level(log::Level::warn);
    ServerOptions so;
    so.listen = "127.0.0.1:0";
    so.io_threads = 1;
    so.worker_threads = 16;
    server_ = std::make_unique<Server>(so, [this, delay_ms](Request& req) {
      int now = ++running_;
      int seen = max_running_.load();
      while (now > seen && !max_running_.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      --running_;
      return Response::json({{"echo", req.body}}, req.path == "/teapot" ? 418 : 200);
    });
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->run(); });
  }
  ~SlowServer() {
    server_->stop();
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int max_running() const { return max_running_.load(); }

 private:
  std::unique_ptr<Server> server_;
  unsigned short port_ = 0;
  std::thread thread_;
  std::atomic<int> running_{0};
  std::atomic<int> max_running_{0};
};

struct Collected {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<ClientResponse> responses;
  void add(ClientResponse r) {
    {
      std::lock_guard lock(mu);
      responses.push_back(std::move(r));
    }
    cv.notify_all();
  }
  bool wait_for(size_t n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return responses.size() >= n; });
  }
};

ClientRequest post(const std::string& url, const std::string& body) {
  ClientRequest r;
  r.method = "POST";
  r.url = url;
  r.body = body;
  r.headers.emplace_back("Content-Type", "text/plain");
  return r;
}

TEST(ConcurrentClient, RunsUpToTheLimitAtOnceAndAnswersEachRequestOnce) {
  SlowServer server(100);
  ConcurrentClient client(4);
  Collected got;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 12; ++i)
    client.submit(post(server.url(i == 5 ? "/teapot" : "/x"), "body " + std::to_string(i)),
                  [&got](ClientResponse r) { got.add(std::move(r)); });
  ASSERT_TRUE(got.wait_for(12));
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  // 12 requests of 100 ms, 4 at a time: about 300 ms, far from the 1,200 ms of one at a time.
  EXPECT_LT(ms, 900);
  EXPECT_EQ(server.max_running(), 4);
  std::vector<std::string> bodies;
  int teapots = 0;
  for (const auto& r : got.responses) {
    EXPECT_FALSE(r.not_sent);
    if (r.status == 418) ++teapots;
    auto j = Json::parse(r.body);
    bodies.push_back(j["echo"].get<std::string>());
  }
  EXPECT_EQ(teapots, 1);
  std::sort(bodies.begin(), bodies.end());
  EXPECT_EQ(std::unique(bodies.begin(), bodies.end()) - bodies.begin(), 12);
  client.stop();
  EXPECT_EQ(got.responses.size(), 12u);
}

TEST(ConcurrentClient, StopFinishesStartedRequestsAndReturnsTheRestUnsent) {
  SlowServer server(200);
  ConcurrentClient client(2);
  Collected got;
  for (int i = 0; i < 10; ++i)
    client.submit(post(server.url("/x"), std::to_string(i)),
                  [&got](ClientResponse r) { got.add(std::move(r)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // two are on the wire
  client.stop();
  ASSERT_EQ(got.responses.size(), 10u);
  int sent = 0, unsent = 0;
  for (const auto& r : got.responses) {
    if (r.not_sent) {
      ++unsent;
      EXPECT_EQ(r.status, 0);
    } else {
      ++sent;
      EXPECT_EQ(r.status, 200);
    }
  }
  EXPECT_EQ(sent, 2);
  EXPECT_EQ(unsent, 8);
  // After stop(), a submission is answered at once as not sent.
  client.submit(post(server.url("/x"), "late"),
                [&got](ClientResponse r) { got.add(std::move(r)); });
  ASSERT_EQ(got.responses.size(), 11u);
  EXPECT_TRUE(got.responses.back().not_sent);
}

TEST(ConcurrentClient, ConnectionFailureIsStatusZeroWithAnError) {
  ConcurrentClient client(2);
  Collected got;
  // Port 9 (discard) on loopback: nothing listens there.
  client.submit(post("http://127.0.0.1:9/x", "x"),
                [&got](ClientResponse r) { got.add(std::move(r)); });
  ASSERT_TRUE(got.wait_for(1));
  EXPECT_EQ(got.responses[0].status, 0);
  EXPECT_FALSE(got.responses[0].not_sent);
  EXPECT_FALSE(got.responses[0].error.empty());
}

}  // namespace
}  // namespace mg::http
