#pragma once
// Link click tracking for campaigns sent with "track_clicks": the links in the messages (URLs
// in texts, a card's link) are stored when the campaign is created (campaign_links); at send
// time each recipient (LINE, and web residents' inbox copies) gets them rewritten to
// {public url}/r/{token}, a random token per recipient and link (link_clicks keeps only its
// SHA-256). GET /r/{token} counts the click and
// redirects to the stored URL of that link, never to anything taken from the request.
// A per-recipient URL makes each recipient's messages different, so a tracked campaign goes
// out as one multicast per recipient (slower under LINE's rate limit): tracking is opt-in.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/service.h"
#include "core/json.h"
#include "core/router.h"
#include "store/db.h"

namespace mg::delivery {

inline constexpr std::size_t kMaxTrackedLinks = 20;
inline constexpr int kDefaultBlockDays = 7;

// The https/http URLs in the messages, in order, each once: URLs in texts end at whitespace
// or a character no URL holds unescaped; a card's link is its uri action.
std::vector<std::string> links_in(const Json& messages);
// The messages with each URL in `links_in` order replaced by replace(url).
Json rewrite_links(const Json& messages,
                   const std::function<std::string(const std::string&)>& replace);

// The base URL of /r/ (the server's public URL), set once at start.
void set_redirect_base(std::string public_url);

struct TrackedLink {
  int64_t id = 0;
  int position = 0;
  std::string url;
};
// Stores the messages' links for tracking; 400 when there is none or more than kMaxTrackedLinks.
void track_links(store::Tx& tx, int64_t tenant_id, int64_t campaign_id, const Json& messages);
std::vector<TrackedLink> tracked_links(store::Tx& tx, int64_t tenant_id, int64_t campaign_id);
// The messages one resident gets: every tracked link replaced by a new token's URL.
Json messages_for(store::Tx& tx, int64_t tenant_id, int64_t campaign_id, int64_t resident_id,
                  const Json& messages, const std::vector<TrackedLink>& links);

// A click: counts it and returns the stored URL; nullopt for an unknown token.
std::optional<std::string> follow(store::Tx& tx, const std::string& token, int64_t now_ms);

// GET /r/{token} and GET /api/campaigns/{id}/report.
void register_click_routes(http::Router& router, auth::AuthService& auth, store::Db& db);

}  // namespace mg::delivery
