#include <gtest/gtest.h>

#include <cctype>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/errors.h"
#include "core/http.h"
#include "core/router.h"
#include "core/setting_list.h"

using namespace mg;

TEST(Router, MatchesPathParametersAndRest) {
  http::Router r;
  r.get("/api/applications/{id}", [](http::Request& q) {
    return http::Response::json({{"id", q.params["id"]}});
  });
  r.get("/static/{*rest}", [](http::Request& q) {
    return http::Response::json({{"rest", q.params["rest"]}});
  });
  http::Request q;
  q.method = "GET";
  q.path = "/api/applications/42";
  auto res = r.dispatch(q);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(Json::parse(res.body)["id"], "42");
  EXPECT_EQ(q.route, "/api/applications/{id}");
  q.path = "/static/assets/app.js";
  EXPECT_EQ(Json::parse(r.dispatch(q).body)["rest"], "assets/app.js");
}

TEST(Router, UnknownPathIs404AndWrongMethod405InTheErrorFormat) {
  http::Router r;
  r.get("/a", [](http::Request&) { return http::Response::json({}); });
  http::Request q;
  q.method = "GET";
  q.path = "/nope";
  auto res = r.dispatch(q);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(Json::parse(res.body)["error"]["code"], "not_found");
  q.method = "POST";
  q.path = "/a";
  EXPECT_EQ(r.dispatch(q).status, 405);
}

// The index by leading literal segments must not change which route wins: the first one
// registered that matches, whichever index list it sits in.
TEST(Router, FirstRegisteredMatchWinsAcrossPrefixesParametersAndRest) {
  http::Router r;
  auto named = [](std::string name) {
    return [name](http::Request& q) {
      Json j{{"route", name}};
      for (const auto& [k, v] : q.params) j[k] = v;
      return http::Response::json(j);
    };
  };
  r.get("/api/public/{tenant}/services", named("services"));
  r.get("/api/{kind}/demo/services", named("kind-first"));  // filed under "api" alone
  r.get("/api/public/demo/services", named("literal-late"));
  r.get("/t/{tenant}", named("tenant-page"));
  r.post("/api/public/{tenant}/chat", named("chat"));
  r.get("/{tenant}/garbage", named("leading-param"));  // filed with no prefix
  r.get("/healthz", named("health"));
  r.get("/{*path}", named("static"));
  r.get("/api/public/demo/late", named("after-static"));
  auto get = [&](std::string method, std::string path) {
    http::Request q;
    q.method = std::move(method);
    q.path = std::move(path);
    auto res = r.dispatch(q);
    return std::make_pair(res.status, Json::parse(res.body));
  };
  EXPECT_EQ(get("GET", "/api/public/demo/services").second["route"], "services");
  EXPECT_EQ(get("GET", "/api/public/demo/services").second["tenant"], "demo");
  EXPECT_EQ(get("GET", "/api/other/demo/services").second["route"], "kind-first");
  EXPECT_EQ(get("GET", "/t/demo").second["route"], "tenant-page");
  EXPECT_EQ(get("GET", "/t/demo/extra").second["route"], "static");  // longer: no match above
  EXPECT_EQ(get("GET", "/demo/garbage").second["route"], "leading-param");
  EXPECT_EQ(get("GET", "/healthz").second["route"], "health");
  EXPECT_EQ(get("HEAD", "/healthz").second["route"], "health");
  EXPECT_EQ(get("GET", "/").second["route"], "static");
  EXPECT_EQ(get("GET", "/").second["path"], "");
  EXPECT_EQ(get("GET", "/a/b/c").second["path"], "a/b/c");
  // Registered after the catch-all: the catch-all wins, as it always did.
  EXPECT_EQ(get("GET", "/api/public/demo/late").second["route"], "static");
  // A path some route matches with another method is a 405 even if only GET routes follow.
  EXPECT_EQ(get("GET", "/api/public/demo/chat").second["route"], "static");
  EXPECT_EQ(get("DELETE", "/api/public/demo/chat").first, 405);
  EXPECT_EQ(get("POST", "/api/public/demo/chat").second["route"], "chat");
  http::Router bare;
  bare.get("/api/x", named("x"));
  http::Request empty;
  empty.method = "GET";
  EXPECT_EQ(bare.dispatch(empty).status, 404);  // no path at all
}

TEST(Request, CookiesHeadersQueryAndJsonBody) {
  http::Request q;
  q.headers = {{"cookie", "a=1; mg_session=tok en ; b=2"}, {"x-csrf-token", "t"}};
  EXPECT_EQ(q.cookie("mg_session").value(), "tok en");
  EXPECT_FALSE(q.cookie("missing"));
  EXPECT_EQ(q.header("X-CSRF-Token").value(), "t");
  auto query = http::parse_query("q=%E5%B1%B1%E7%94%B0+%E5%A4%AA%E9%83%8E&limit=5&flag");
  EXPECT_EQ(query["q"], "山田 太郎");
  EXPECT_EQ(query["limit"], "5");
  EXPECT_TRUE(query.count("flag"));
  q.body = "{bad";
  try {
    q.json_body();
    FAIL() << "malformed JSON accepted";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.code(), "invalid_json");
  }
  q.body = "[1]";
  EXPECT_THROW(q.json_body(), ApiError);
  q.body = R"({"a":1})";
  EXPECT_EQ(q.json_body()["a"], 1);
}

TEST(Crypto, HmacMatchesRfc4231AndBase64RoundTrips) {
  // RFC 4231 test case 2.
  auto mac = crypto::hmac_sha256("Jefe", "what do ya want for nothing?");
  EXPECT_EQ(crypto::base64_encode(mac), "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
  for (std::string s : {"", "a", "ab", "abc", "日本語のテキスト"})
    EXPECT_EQ(crypto::base64_decode(crypto::base64_encode(s)), s);
  EXPECT_EQ(crypto::base64_decode("not base64!"), "");
  EXPECT_TRUE(crypto::constant_time_equal("abc", "abc"));
  EXPECT_FALSE(crypto::constant_time_equal("abc", "abd"));
  EXPECT_FALSE(crypto::constant_time_equal("abc", "abcd"));
  EXPECT_NE(crypto::random_token(), crypto::random_token());
}

TEST(Crypto, UniqueIdsHaveTheLengthAndUrlSafeCharactersAndDiffer) {
  auto a = crypto::unique_id(64), b = crypto::unique_id(64);
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(crypto::unique_id(10).size(), 10u);
  EXPECT_NE(a, b);
  for (char c : a + b)
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << c;
}

TEST(Clock, JapanDatesAreUtcPlusNine) {
  // 2025-03-31T15:00:00Z is already 2025-04-01 (new fiscal year) in Japan.
  EXPECT_EQ(clock::date_jst(1743433200000), "2025-04-01");
  EXPECT_EQ(clock::date_jst(1743433199000), "2025-03-31");
  EXPECT_EQ(clock::format_jst(1743433200000, "%H:%M"), "00:00");
}

TEST(ClientAddress, ForwardedForIsBelievedOnlyFromTrustedProxies) {
  using mg::http::client_address;
  std::vector<std::string> proxies{"127.0.0.1", "10.0.0.5"};
  // No trusted proxy in front: the header is the client's claim and ignored.
  EXPECT_EQ(client_address("198.51.100.9", std::string("203.0.113.7"), proxies), "198.51.100.9");
  EXPECT_EQ(client_address("127.0.0.1", std::string("203.0.113.7"), {}), "127.0.0.1");
  // Through the proxy: the right-most address not itself a proxy; a forged left part is skipped.
  EXPECT_EQ(client_address("127.0.0.1", std::string("203.0.113.7"), proxies), "203.0.113.7");
  EXPECT_EQ(client_address("127.0.0.1", std::string("1.2.3.4, 203.0.113.7, 10.0.0.5"), proxies),
            "203.0.113.7");
  EXPECT_EQ(client_address("127.0.0.1", std::string(" 2001:db8::1 "), proxies), "2001:db8::1");
  // No header, or garbage where the proxy's entry should be: the peer.
  EXPECT_EQ(client_address("127.0.0.1", std::nullopt, proxies), "127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", std::string("<script>"), proxies), "127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", std::string("203.0.113.7, not-an-ip"), proxies),
            "127.0.0.1");
}

TEST(SettingList, SplitsOnCommasTrimsAndDropsEmptyItems) {
  using mg::setting_list;
  EXPECT_EQ(setting_list(""), std::vector<std::string>{});
  EXPECT_EQ(setting_list(" , ,"), std::vector<std::string>{});
  EXPECT_EQ(setting_list("127.0.0.1"), std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(setting_list(" 127.0.0.1 ,\t10.0.0.5,,::1 "),
            (std::vector<std::string>{"127.0.0.1", "10.0.0.5", "::1"}));
}
