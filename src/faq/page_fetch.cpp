#include "faq/page_fetch.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <memory>

#include "faq/html_passages.h"

namespace mg::faq {

namespace {

bool v4_private(uint32_t a) {  // host order
  auto in = [&](uint32_t net, int bits) { return (a >> (32 - bits)) == (net >> (32 - bits)); };
  return in(0x00000000, 8) || in(0x0A000000, 8) || in(0x7F000000, 8) || in(0xA9FE0000, 16) ||
         in(0xAC100000, 12) || in(0xC0A80000, 16) || in(0x64400000, 10) || in(0xC0000000, 24) ||
         in(0xC6120000, 15) || a >= 0xE0000000;
}

bool v6_private(const in6_addr& a) {
  const uint8_t* b = a.s6_addr;
  static const uint8_t zero[16] = {};
  if (std::memcmp(b, zero, 15) == 0 && (b[15] == 0 || b[15] == 1)) return true;  // :: and ::1
  if ((b[0] & 0xFE) == 0xFC) return true;                                        // fc00::/7
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return true;                        // fe80::/10
  if (b[0] == 0xFF) return true;                                                 // multicast
  static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::memcmp(b, mapped, 12) == 0 || std::memcmp(b, zero, 12) == 0) {
    uint32_t v4 =
        (uint32_t(b[12]) << 24) | (uint32_t(b[13]) << 16) | (uint32_t(b[14]) << 8) | b[15];
    return v4_private(v4);
  }
  return false;
}

struct Guard {
  bool allow_loopback = false;
  bool refused = false;
};

curl_socket_t open_socket(void* clientp, curlsocktype, curl_sockaddr* addr) {
  auto* g = static_cast<Guard*>(clientp);
  bool loopback = false, priv = true;
  if (addr->family == AF_INET) {
    uint32_t a = ntohl(reinterpret_cast<sockaddr_in*>(&addr->addr)->sin_addr.s_addr);
    priv = v4_private(a);
    loopback = (a >> 24) == 127;
  } else if (addr->family == AF_INET6) {
    const auto& a6 = reinterpret_cast<sockaddr_in6*>(&addr->addr)->sin6_addr;
    priv = v6_private(a6);
    static const uint8_t one[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    loopback = std::memcmp(a6.s6_addr, one, 16) == 0;
  }
  if (priv && !(loopback && g->allow_loopback)) {
    g->refused = true;
    return CURL_SOCKET_BAD;
  }
  return socket(addr->family, addr->socktype, addr->protocol);
}

struct Sink {
  std::string body;
  bool too_large = false;
};

size_t write_body(char* data, size_t size, size_t n, void* userp) {
  auto* s = static_cast<Sink*>(userp);
  if (s->body.size() + size * n > kMaxHtmlBytes) {
    s->too_large = true;
    return 0;  // aborts the transfer
  }
  s->body.append(data, size * n);
  return size * n;
}

}  // namespace

bool is_private_address(const std::string& ip) {
  in_addr a4{};
  in6_addr a6{};
  if (inet_pton(AF_INET, ip.c_str(), &a4) == 1) return v4_private(ntohl(a4.s_addr));
  if (inet_pton(AF_INET6, ip.c_str(), &a6) == 1) return v6_private(a6);
  return false;
}

bool is_loopback_address(const std::string& ip) {
  in_addr a4{};
  if (inet_pton(AF_INET, ip.c_str(), &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
  return ip == "::1";
}

std::string check_page_url(const std::string& url) {
  if (url.empty()) return "URL を入れてください";
  if (url.size() > 1000) return "URL が長すぎます（1000 文字まで）";
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7F) return "URL に空白や制御文字があります";
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    return "http:// か https:// で始まる URL にしてください";
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), curl_url_cleanup);
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
    return "URL の形が正しくありません";
  char* host = nullptr;
  if (curl_url_get(u.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK || !host || !*host) {
    if (host) curl_free(host);
    return "URL にホスト名がありません";
  }
  curl_free(host);
  char* user = nullptr;
  if (curl_url_get(u.get(), CURLUPART_USER, &user, 0) == CURLUE_OK && user) {
    curl_free(user);
    return "URL に利用者名やパスワードを含めないでください";
  }
  return "";
}

FetchedPage fetch_page(const std::string& url, long timeout_ms, bool allow_loopback) {
  FetchedPage out;
  if (auto why = check_page_url(url); !why.empty()) {
    out.error = why;
    return out;
  }
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), curl_easy_cleanup);
  if (!h) {
    out.error = "取得を始められませんでした";
    return out;
  }
  Guard guard{allow_loopback};
  Sink sink;
  CURL* c = h.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
  curl_easy_setopt(c, CURLOPT_PROXY, "");  // the environment's proxy would bypass the guard
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 5000L));
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(kMaxHtmlBytes));
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &guard);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "madoguchi-faq/1 (+municipal FAQ passages)");
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (guard.refused) {
    out.error = "この機械や内部ネットワークのアドレスには接続しません";
  } else if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    out.error = "ページが大きすぎます（2 MB まで）";
  } else if (rc == CURLE_OPERATION_TIMEDOUT) {
    out.error = "時間内に応答がありませんでした";
  } else if (rc == CURLE_TOO_MANY_REDIRECTS) {
    out.error = "転送が多すぎます";
  } else if (rc == CURLE_UNSUPPORTED_PROTOCOL) {
    out.error = "http か https のページだけ取得できます";
  } else if (rc != CURLE_OK) {
    out.error = "取得できませんでした（" + std::string(curl_easy_strerror(rc)) + "）";
  } else if (status < 200 || status >= 300) {
    out.error = "ページが返りませんでした（HTTP " + std::to_string(status) + "）";
  } else {
    char* type = nullptr;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
    std::string t = type ? type : "";
    if (!t.empty() && t.find("html") == std::string::npos && t.find("text/plain") != 0) {
      out.error = "HTML のページではありません（" + t.substr(0, 60) + "）";
    } else {
      out.ok = true;
      out.body = std::move(sink.body);
    }
  }
  return out;
}

}  // namespace mg::faq
