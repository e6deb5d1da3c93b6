#include "delivery/click_tracking.h"

#include <map>
#include <mutex>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/errors.h"
#include "delivery/campaigns.h"
#include "residents/condition.h"
#include "residents/store.h"

namespace mg::delivery {

namespace {

std::mutex base_mutex;
std::string redirect_base = "http://localhost:8080";

std::string base() {
  std::lock_guard lock(base_mutex);
  return redirect_base;
}

// Characters that end a URL written in a text: whitespace (ASCII and the ideographic space)
// and the brackets and quotes Japanese and English texts put around a URL.
bool url_char(unsigned char c) {
  if (c <= 0x20 || c >= 0x7f) return false;
  return std::string_view("\"<>`{}|\\^").find(static_cast<char>(c)) == std::string_view::npos;
}

// [begin, end) of each URL in a text.
std::vector<std::pair<std::size_t, std::size_t>> url_spans(const std::string& text) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t https = text.find("https://", at), http = text.find("http://", at);
    std::size_t start = std::min(https, http);
    if (start == std::string::npos) break;
    std::size_t end = start + (start == https ? 8 : 7);
    while (end < text.size() && url_char(static_cast<unsigned char>(text[end]))) ++end;
    // A sentence's closing punctuation is not part of the URL.
    while (end > start &&
           std::string_view(".,;:!?)'").find(text[end - 1]) != std::string_view::npos)
      --end;
    std::size_t scheme = start == https ? 8 : 7;
    if (end > start + scheme) out.emplace_back(start, end);
    at = std::max(end, start + scheme);
  }
  return out;
}

// Calls f on each link of the messages (texts' URLs, cards' uri actions) in order; f may
// change it in place.
void each_link(Json& messages, const std::function<void(std::string&)>& f) {
  if (!messages.is_array()) return;
  for (auto& m : messages) {
    if (!m.is_object()) continue;
    std::string type = m.value("type", "");
    if (type == "text" && m.contains("text") && m["text"].is_string()) {
      std::string text = m["text"].get<std::string>(), out;
      std::size_t from = 0;
      for (auto [b, e] : url_spans(text)) {
        std::string url = text.substr(b, e - b);
        f(url);
        out += text.substr(from, b - from) + url;
        from = e;
      }
      m["text"] = out + text.substr(from);
    }
    if (type == "template" && m.contains("template") && m["template"].is_object()) {
      Json& t = m["template"];
      if (!t.contains("actions") || !t["actions"].is_array()) continue;
      for (auto& a : t["actions"])
        if (a.is_object() && a.value("type", "") == "uri" && a.contains("uri") &&
            a["uri"].is_string()) {
          std::string url = a["uri"].get<std::string>();
          f(url);
          a["uri"] = url;
        }
    }
  }
}

int64_t campaign_id_param(const http::Request& req) {
  auto it = req.params.find("id");
  if (it == req.params.end() || it->second.empty() || it->second.size() > 18 ||
      it->second.find_first_not_of("0123456789") != std::string::npos)
    throw ApiError::not_found("配信が見つかりません");
  return std::stoll(it->second);
}

// The audience as a filter over `residents r` that keeps blocked residents (they are the ones
// the block rate counts).
std::pair<std::string, store::Params> audience_with_blocked(store::Tx& tx, int64_t tenant_id,
                                                            const Json& audience) {
  if (audience.is_object() && audience.value("kind", "") == "condition") {
    residents::CompileOptions all;
    all.include_blocked = true;
    auto c = residents::compile_condition(
        audience.contains("condition") ? audience["condition"] : Json(nullptr),
        residents::load_definitions(tx, tenant_id), tenant_id, all);
    return {c.sql, c.params};
  }
  if (audience.is_object() && audience.value("kind", "") == "residents" &&
      audience.contains("resident_ids") && audience["resident_ids"].is_array()) {
    std::string sql = "r.id IN (";
    store::Params p;
    for (const auto& id : audience["resident_ids"])
      if (id.is_number_integer()) {
        sql += p.empty() ? "?" : ", ?";
        p.emplace_back(id.get<int64_t>());
      }
    return p.empty() ? std::make_pair(std::string("1 = 0"), store::Params{})
                     : std::make_pair(sql + ")", p);
  }
  return {"1 = 1", {}};
}

Json report(store::Tx& tx, const Campaign& c, int days) {
  Json links = Json::array();
  for (const auto& l : tracked_links(tx, c.tenant_id, c.id)) {
    auto r = tx.one(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN clicks > 0 THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(clicks), 0) FROM link_clicks WHERE tenant_id = ? AND campaign_id = ? AND "
        "link_id = ?",
        {c.tenant_id, c.id, l.id});
    links.push_back({{"position", l.position},
                     {"url", l.url},
                     {"recipients", r->i64(0)},
                     {"unique_clicks", r->i64(1)},
                     {"total_clicks", r->i64(2)}});
  }
  Json blocks = nullptr;
  if (c.queued_at) {
    auto [sql, params] = audience_with_blocked(tx, c.tenant_id, c.audience);
    int64_t from = *c.queued_at, to = from + int64_t{days} * 86400000;
    int64_t blocked =
        residents::count_blocked_between(tx, c.tenant_id, from, to, c.cursor, sql, params);
    double base = static_cast<double>(std::max<int64_t>(c.sent, 1));
    blocks = {{"days", days},   {"from", from},
              {"until", to},    {"blocked", blocked},
              {"sent", c.sent}, {"rate", c.sent > 0 ? static_cast<double>(blocked) / base : 0.0}};
  }
  return {{"campaign_id", c.id},       {"title", c.title}, {"status", c.status},
          {"tracked", !links.empty()}, {"links", links},   {"block_rate", blocks}};
}

}  // namespace

std::vector<std::string> links_in(const Json& messages) {
  std::vector<std::string> out;
  Json copy = messages;
  each_link(copy, [&out](std::string& url) {
    if (std::find(out.begin(), out.end(), url) == out.end()) out.push_back(url);
  });
  return out;
}

Json rewrite_links(const Json& messages,
                   const std::function<std::string(const std::string&)>& replace) {
  Json copy = messages;
  each_link(copy, [&replace](std::string& url) { url = replace(url); });
  return copy;
}

void set_redirect_base(std::string public_url) {
  while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();
  std::lock_guard lock(base_mutex);
  redirect_base = std::move(public_url);
}

void track_links(store::Tx& tx, int64_t tenant_id, int64_t campaign_id, const Json& messages) {
  auto links = links_in(messages);
  if (links.empty())
    throw ApiError::bad_request("クリックを計測するリンクがメッセージにありません", "track_clicks");
  if (links.size() > kMaxTrackedLinks)
    throw ApiError::bad_request("計測できるリンクは20件までです", "track_clicks");
  int64_t now = clock::now_ms();
  for (std::size_t i = 0; i < links.size(); ++i)
    tx.exec(
        "INSERT INTO campaign_links (tenant_id, campaign_id, position, url, created_at) VALUES "
        "(?, ?, ?, ?, ?)",
        {tenant_id, campaign_id, static_cast<int64_t>(i + 1), links[i], now});
}

std::vector<TrackedLink> tracked_links(store::Tx& tx, int64_t tenant_id, int64_t campaign_id) {
  std::vector<TrackedLink> out;
  for (const auto& r : tx.query(
           "SELECT id, position, url FROM campaign_links WHERE tenant_id = ? AND campaign_id = ? "
           "ORDER BY position",
           {tenant_id, campaign_id}))
    out.push_back({r.i64(0), static_cast<int>(r.i64(1)), r.str(2)});
  return out;
}

Json messages_for(store::Tx& tx, int64_t tenant_id, int64_t campaign_id, int64_t resident_id,
                  const Json& messages, const std::vector<TrackedLink>& links) {
  std::map<std::string, std::string> replaced;  // original -> this resident's redirect
  int64_t now = clock::now_ms();
  std::string prefix = base() + "/r/";
  for (const auto& l : links) {
    std::string token = crypto::random_token(24);
    tx.exec(
        "INSERT INTO link_clicks (token_hash, tenant_id, campaign_id, link_id, resident_id, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?)",
        {crypto::sha256_hex(token), tenant_id, campaign_id, l.id, resident_id, now});
    replaced[l.url] = prefix + token;
  }
  return rewrite_links(messages, [&replaced](const std::string& url) {
    auto it = replaced.find(url);
    return it == replaced.end() ? url : it->second;
  });
}

std::optional<std::string> follow(store::Tx& tx, const std::string& token, int64_t now_ms) {
  // random_token(24) is 32 URL-safe characters; anything else is not one of ours.
  if (token.size() != 32 || token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqr"
                                                    "stuvwxyz0123456789-_") != std::string::npos)
    return std::nullopt;
  std::string hash = crypto::sha256_hex(token);
  // By the token's hash alone: the URL carries no tenant, and the hash is unique across tenants.
  auto row = tx.one(
      "SELECT c.tenant_id, l.url FROM link_clicks c JOIN campaign_links l ON l.id = c.link_id AND "
      "l.tenant_id = c.tenant_id WHERE c.token_hash = ?",
      {hash});
  if (!row) return std::nullopt;
  tx.exec(
      "UPDATE link_clicks SET clicks = clicks + 1, first_clicked_at = COALESCE(first_clicked_at, "
      "?), last_clicked_at = ? WHERE tenant_id = ? AND token_hash = ?",
      {now_ms, now_ms, row->i64(0), hash});
  return row->str(1);
}

void register_click_routes(http::Router& router, auth::AuthService& auth, store::Db& db) {
  router.get("/r/{token}", [&db](http::Request& req) {
    auto it = req.params.find("token");
    std::string token = it == req.params.end() ? "" : it->second;
    auto url = db.write([&](store::Tx& tx) { return follow(tx, token, clock::now_ms()); });
    if (!url)
      return http::Response::text("リンクが見つかりません", "text/plain; charset=utf-8", 404)
          .header("Cache-Control", "no-store");
    http::Response r = http::Response::text("", "text/plain; charset=utf-8", 302);
    r.header("Location", *url);
    r.header("Cache-Control", "no-store");
    // The token must not travel on to the destination site.
    r.header("Referrer-Policy", "no-referrer");
    return r;
  });
  router.get("/api/campaigns/{id}/report", [&auth, &db](http::Request& req) {
    auto who = auth.require(req, auth::Role::viewer);
    int64_t id = campaign_id_param(req);
    int days = kDefaultBlockDays;
    auto d = req.query_or("days");
    if (!d.empty()) {
      if (d.size() > 2 || d.find_first_not_of("0123456789") != std::string::npos ||
          std::stoi(d) < 1 || std::stoi(d) > 30)
        throw ApiError::bad_request("days は 1〜30 で指定してください", "days");
      days = std::stoi(d);
    }
    return db.read([&](store::Tx& tx) {
      auto c = find(tx, who.tenant_id, id);
      if (!c) throw ApiError::not_found("配信が見つかりません");
      return http::Response::json(report(tx, *c, days));
    });
  });
}

}  // namespace mg::delivery
