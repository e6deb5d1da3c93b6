#include "faq/page_fetch.h"

#include <gtest/gtest.h>

namespace mg::faq {
namespace {

TEST(PageFetch, PrivateAndLoopbackAddresses) {
  for (const char* ip : {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.0.1",
                         "169.254.169.254", "0.0.0.0", "100.64.0.1", "224.0.0.1", "::1",
                         "::", "fd00::1", "fe80::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1"})
    EXPECT_TRUE(is_private_address(ip)) << ip;
  for (const char* ip : {"8.8.8.8", "172.32.0.1", "203.0.113.9", "2001:db8::1"})
    EXPECT_FALSE(is_private_address(ip)) << ip;
  EXPECT_TRUE(is_loopback_address("127.0.0.5"));
  EXPECT_FALSE(is_loopback_address("10.0.0.1"));
}

TEST(PageFetch, OnlyPlainHttpAndHttpsUrls) {
  EXPECT_EQ(check_page_url("https://www.city.kameoka.kyoto.jp/a.html"), "");
  for (const char* u :
       {"", "ftp://example.com/", "file:///etc/passwd", "javascript:alert(1)", "http://",
        "https://exa mple.com/", "http://user:pw@example.com/", "gopher://x/"})
    EXPECT_NE(check_page_url(u), "") << u;
  EXPECT_NE(check_page_url("https://example.com/" + std::string(1200, 'a')), "");
}

TEST(PageFetch, LoopbackRefusedAtConnectUnlessAllowed) {
  // Port 9 (discard) on loopback: refused by the guard before any socket is opened.
  auto r = fetch_page("http://127.0.0.1:9/", 2000, false);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("内部ネットワーク"), std::string::npos) << r.error;
  auto named = fetch_page("http://localhost:9/", 2000, false);
  EXPECT_FALSE(named.ok);
  EXPECT_NE(named.error.find("内部ネットワーク"), std::string::npos) << named.error;
  // Allowed (tests' fake site): the connection is tried, and fails for another reason.
  auto allowed = fetch_page("http://127.0.0.1:9/", 2000, true);
  EXPECT_FALSE(allowed.ok);
  EXPECT_EQ(allowed.error.find("内部ネットワーク"), std::string::npos) << allowed.error;
}

}  // namespace
}  // namespace mg::faq
