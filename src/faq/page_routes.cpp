// Staff routes for FAQ passages from the town's web pages. Fetching happens before the write
// transaction (never while holding the database's write lock); the passages are written after.
#include <arpa/inet.h>
#include <curl/curl.h>

#include <chrono>
#include <cstdlib>

#include "auth/store.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/errors.h"
#include "core/http.h"
#include "faq/html_passages.h"
#include "faq/page_fetch.h"
#include "faq/pages.h"
#include "faq/routes.h"

namespace mg::faq {

namespace {

constexpr std::size_t kMaxUrlsPerFetch = 10;
constexpr std::size_t kMaxFilesPerUpload = 20;
constexpr long kFetchBudgetMs = 30000;

bool loopback_allowed() {
  const char* v = std::getenv("MADOGUCHI_TEST_FETCH_LOOPBACK");
  return v && std::string(v) == "1";
}

std::string host_of(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), curl_url_cleanup);
  char* host = nullptr;
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK ||
      curl_url_get(u.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK || !host)
    return "";
  std::string h = host;
  curl_free(host);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  return h;
}

// Refuses what can be refused before any connection: bad URLs and literal private addresses
// (names that resolve to one are refused by fetch_page at connect time).
void check_url_or_throw(const std::string& url) {
  if (auto why = check_page_url(url); !why.empty())
    throw ApiError::bad_request(url.substr(0, 100) + ": " + why, "urls");
  std::string host = host_of(url);
  bool literal_private =
      is_private_address(host) && !(loopback_allowed() && is_loopback_address(host));
  if (literal_private || host == "localhost" || host.ends_with(".localhost"))
    if (!(loopback_allowed() && host == "localhost"))
      throw ApiError::bad_request(
          url.substr(0, 100) + ": この機械や内部ネットワークのアドレスには接続しません", "urls");
}

Json sources_json(const std::vector<PageSource>& ps) {
  Json out = Json::array();
  for (const auto& p : ps)
    out.push_back({{"source", p.source},
                   {"title", p.title},
                   {"passages", p.passages},
                   {"imported_at", p.imported_at}});
  return out;
}

}  // namespace

void mount_pages(http::Router& router, auth::AuthService& auth, store::Db& db, FaqService& faq) {
  router.get("/api/faq/pages", [&](http::Request& req) {
    auto who = auth.require(req);
    auto ps = db.read([&](store::Tx& tx) { return list_pages(tx, who.tenant_id); });
    return http::Response::json({{"items", sources_json(ps)}});
  });

  // {"pages": [{"name": "gomi.html", "url": "https://…" (optional), "html": base64}]}
  router.post("/api/faq/pages/upload", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::editor);
    Json body = req.json_body();
    if (!body.is_object() || !body.contains("pages") || !body["pages"].is_array() ||
        body["pages"].empty())
      throw ApiError::bad_request("HTML ファイルを選んでください", "pages");
    if (body["pages"].size() > kMaxFilesPerUpload)
      throw ApiError::bad_request(
          "一度に取り込めるのは " + std::to_string(kMaxFilesPerUpload) + " ファイルまでです",
          "pages");
    std::vector<std::pair<std::string, ExtractedPage>> pages;
    for (const auto& p : body["pages"]) {
      if (!p.is_object() || !p.contains("html") || !p["html"].is_string())
        throw ApiError::bad_request("html（ファイルの中身）がありません", "pages");
      std::string name = p.value("name", std::string());
      std::string url =
          p.contains("url") && p["url"].is_string() ? p["url"].get<std::string>() : "";
      if (!url.empty())
        if (auto why = check_page_url(url); !why.empty()) throw ApiError::bad_request(why, "url");
      if (url.empty() && (name.empty() || name.size() > 200))
        throw ApiError::bad_request("ファイル名か、ページの URL を入れてください", "pages");
      const std::string& b64 = p["html"].get_ref<const std::string&>();
      if (b64.size() > (kMaxHtmlBytes / 3 + 1) * 4)
        throw ApiError(413, "file_too_large", "HTML が大きすぎます（2 MB まで）", "pages");
      std::string html = crypto::base64_decode(b64);
      if (html.empty()) throw ApiError::bad_request("ファイルの中身が読めません", "pages");
      if (html.size() > kMaxHtmlBytes)
        throw ApiError(413, "file_too_large", "HTML が大きすぎます（2 MB まで）", "pages");
      pages.push_back({url.empty() ? "file:" + name : url, extract_passages(html)});
    }
    Json results = Json::array();
    db.write([&](store::Tx& tx) {
      if (count_pages(tx, who.tenant_id) + static_cast<int64_t>(pages.size()) >
          static_cast<int64_t>(kMaxPageSources))
        throw ApiError::conflict("ページは " + std::to_string(kMaxPageSources) + " 件までです");
      int64_t now = clock::now_ms();
      for (const auto& [source, page] : pages) {
        auto n = replace_page(tx, who.tenant_id, source, page, now);
        results.push_back({{"source", source}, {"ok", true}, {"passages", n}});
      }
      auth::audit(tx, who, "faq.pages_upload", "faq_passages", "", {{"sources", pages.size()}});
    });
    faq.changed(who.tenant_id);
    return http::Response::json({{"results", results}});
  });

  // {"urls": ["https://www.city.example.lg.jp/gomi.html", …]}: fetched now, one by one, each
  // with its own timeout and all within a budget; a page that fails keeps its old passages.
  router.post("/api/faq/pages/fetch", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::editor);
    Json body = req.json_body();
    if (!body.is_object() || !body.contains("urls") || !body["urls"].is_array() ||
        body["urls"].empty())
      throw ApiError::bad_request("URL を 1 行に 1 つ入れてください", "urls");
    if (body["urls"].size() > kMaxUrlsPerFetch)
      throw ApiError::bad_request(
          "一度に取得できるのは " + std::to_string(kMaxUrlsPerFetch) + " ページまでです", "urls");
    std::vector<std::string> urls;
    for (const auto& u : body["urls"]) {
      if (!u.is_string()) throw ApiError::bad_request("URL は文字列です", "urls");
      check_url_or_throw(u.get<std::string>());
      urls.push_back(u.get<std::string>());
    }
    // Outside any transaction: the network is slow, the write lock is shared.
    auto start = std::chrono::steady_clock::now();
    std::vector<std::pair<std::string, FetchedPage>> fetched;
    for (const auto& url : urls) {
      long used = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
      FetchedPage f;
      if (used >= kFetchBudgetMs)
        f.error = "時間切れのため取得しませんでした";
      else
        f = fetch_page(url, std::min(8000L, kFetchBudgetMs - used), loopback_allowed());
      fetched.push_back({url, std::move(f)});
    }
    std::vector<std::pair<std::string, ExtractedPage>> pages;
    Json results = Json::array();
    for (const auto& [url, f] : fetched) {
      if (!f.ok) {
        results.push_back({{"source", url}, {"ok", false}, {"error", f.error}});
        continue;
      }
      pages.push_back({url, extract_passages(f.body)});
    }
    if (!pages.empty()) {
      db.write([&](store::Tx& tx) {
        if (count_pages(tx, who.tenant_id) + static_cast<int64_t>(pages.size()) >
            static_cast<int64_t>(kMaxPageSources))
          throw ApiError::conflict("ページは " + std::to_string(kMaxPageSources) + " 件までです");
        int64_t now = clock::now_ms();
        for (const auto& [source, page] : pages) {
          auto n = replace_page(tx, who.tenant_id, source, page, now);
          results.push_back({{"source", source}, {"ok", true}, {"passages", n}});
        }
        auth::audit(tx, who, "faq.pages_fetch", "faq_passages", "",
                    {{"sources", pages.size()}, {"failed", fetched.size() - pages.size()}});
      });
      faq.changed(who.tenant_id);
    }
    return http::Response::json({{"results", results}});
  });

  router.del("/api/faq/pages", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::editor);
    std::string source = req.query_or("source");
    if (source.empty() || source.size() > 1200)
      throw ApiError::bad_request("source を指定してください", "source");
    db.write([&](store::Tx& tx) {
      if (!delete_page(tx, who.tenant_id, source)) throw ApiError::not_found();
      auth::audit(tx, who, "faq.pages_delete", "faq_passages", "");
    });
    faq.changed(who.tenant_id);
    return http::Response::json({{"deleted", true}});
  });
}

}  // namespace mg::faq
