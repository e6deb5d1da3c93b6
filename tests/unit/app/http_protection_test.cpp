// Bounded metrics labels, who may scrape /metrics, the connection cap under an open-file
// limit and the Content-Security-Policy choice.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/http.h"
#include "core/http_server.h"
#include "core/metrics.h"

namespace mg {
namespace {

TEST(MetricsLabels, MadeUpMethodsShareOneLabel) {
  EXPECT_EQ(metrics::method_label("GET"), "GET");
  EXPECT_EQ(metrics::method_label("OPTIONS"), "OPTIONS");
  EXPECT_EQ(metrics::method_label("get"), "other");
  EXPECT_EQ(metrics::method_label("FOO"), "other");
  EXPECT_EQ(metrics::method_label(""), "other");

  auto lines = [](const std::string& s) { return std::count(s.begin(), s.end(), '\n'); };
  metrics::observe_request("WARMUP1", "(unknown)", 405, 0.001);
  auto before = lines(metrics::render());
  for (int i = 0; i < 2000; ++i)
    metrics::observe_request("X" + std::to_string(i) + "\"}evil", "(unknown)", 405, 0.001);
  auto after = metrics::render();
  EXPECT_EQ(lines(after), before);
  EXPECT_EQ(after.find("evil"), std::string::npos);
  EXPECT_NE(after.find("method=\"other\",route=\"(unknown)\",status=\"405\"} 2001"),
            std::string::npos);
}

http::Request from(std::string addr, http::Headers headers = {}) {
  http::Request r;
  r.remote_addr = std::move(addr);
  r.headers = std::move(headers);
  return r;
}

TEST(MetricsAccess, LoopbackOnlyWithoutAToken) {
  EXPECT_TRUE(metrics::is_loopback("127.0.0.1"));
  EXPECT_TRUE(metrics::is_loopback("127.1.2.3"));
  EXPECT_TRUE(metrics::is_loopback("::1"));
  EXPECT_TRUE(metrics::is_loopback("::ffff:127.0.0.1"));
  EXPECT_FALSE(metrics::is_loopback("10.0.0.1"));
  EXPECT_FALSE(metrics::is_loopback("192.168.1.127"));
  EXPECT_FALSE(metrics::is_loopback("127.0.0"));
  EXPECT_FALSE(metrics::is_loopback("127.0.0.256"));
  EXPECT_FALSE(metrics::is_loopback("127.evil.com"));
  EXPECT_FALSE(metrics::is_loopback("::ffff:10.0.0.1"));
  EXPECT_FALSE(metrics::is_loopback(""));

  EXPECT_TRUE(metrics::may_scrape(from("127.0.0.1"), ""));
  EXPECT_TRUE(metrics::may_scrape(from("::1"), ""));
  EXPECT_FALSE(metrics::may_scrape(from("203.0.113.7"), ""));
  EXPECT_FALSE(metrics::may_scrape(from("2001:db8::1"), ""));
  // Through a reverse proxy on the same host the peer is loopback, but the client is not.
  EXPECT_FALSE(metrics::may_scrape(from("127.0.0.1", {{"x-forwarded-for", "203.0.113.7"}}), ""));
  EXPECT_FALSE(metrics::may_scrape(from("127.0.0.1", {{"forwarded", "for=203.0.113.7"}}), ""));
  EXPECT_FALSE(metrics::may_scrape(from("127.0.0.1", {{"x-real-ip", "203.0.113.7"}}), ""));
}

TEST(MetricsAccess, TokenRequiredFromEveryoneOnceSet) {
  const std::string token = "s3cret-token";
  EXPECT_TRUE(
      metrics::may_scrape(from("203.0.113.7", {{"authorization", "Bearer s3cret-token"}}), token));
  EXPECT_FALSE(metrics::may_scrape(from("127.0.0.1"), token));
  EXPECT_FALSE(metrics::may_scrape(from("203.0.113.7"), token));
  for (std::string bad :
       {"Bearer wrong", "Bearer s3cret-toke", "Bearer s3cret-token2", "bearer s3cret-token",
        "Basic s3cret-token", "s3cret-token", "Bearer ", ""})
    EXPECT_FALSE(metrics::may_scrape(from("203.0.113.7", {{"authorization", bad}}), token)) << bad;
}

TEST(ConnectionCap, LeavesAReserveOfDescriptors) {
  EXPECT_EQ(http::fit_connection_cap(1000, 1048576), 1000u);
  EXPECT_EQ(http::fit_connection_cap(1000, 1024), 768u);
  EXPECT_EQ(http::fit_connection_cap(20, 1024), 20u);
  EXPECT_EQ(http::fit_connection_cap(1000, 64), 32u);
  EXPECT_EQ(http::fit_connection_cap(1000, 16), 1u);
  EXPECT_EQ(http::fit_connection_cap(0, 1024), 1u);
}

TEST(SecurityHeaders, PagesAndEverythingElseGetTheirOwnPolicy) {
  auto page = http::content_security_policy("text/html; charset=utf-8");
  EXPECT_NE(page.find("script-src 'self'"), std::string_view::npos);
  EXPECT_NE(page.find("frame-ancestors 'none'"), std::string_view::npos);
  EXPECT_EQ(page.find("unsafe-eval"), std::string_view::npos);
  auto api = http::content_security_policy("application/json; charset=utf-8");
  EXPECT_EQ(api, "default-src 'none'; frame-ancestors 'none'");
  EXPECT_EQ(http::content_security_policy("image/svg+xml"), api);
}

}  // namespace
}  // namespace mg
