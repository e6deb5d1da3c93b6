#include "channels/line/settings_routes.h"

#include "channels/line/channel_settings.h"
#include "channels/line/webhook.h"
#include "core/errors.h"

namespace mg::line {

namespace {

Json settings_json(const ChannelSummary& s, const std::string& public_url,
                   const std::string& tenant_code) {
  return Json{{"api_base", s.api_base},
              // false: stored before the operator narrowed the list; LINE's own is used instead
              {"api_base_allowed", api_base_allowed(s.api_base)},
              {"webhook_url", public_url + "/line/" + tenant_code + "/webhook"},
              {"has_secret", s.has_secret},
              {"has_token", s.has_token},
              {"greeting", s.greeting}};
}

std::string optional_string(const Json& body, const char* field, size_t max_len) {
  const Json& v = body[field];
  if (!v.is_string())
    throw ApiError::bad_request(std::string(field) + " は文字列で指定してください", field);
  auto s = v.get<std::string>();
  if (s.size() > max_len) throw ApiError::bad_request(std::string(field) + " が長すぎます", field);
  return s;
}

}  // namespace

void register_settings_routes(http::Router& router, auth::AuthService& auth, store::Db& db,
                              const std::string& public_url) {
  std::string base = public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  router.get("/api/line/settings", [&auth, &db, base](http::Request& req) {
    auto who = auth.require(req, auth::Role::admin);
    auto tenant = auth.tenant(who.tenant_id);
    auto s = db.read([&](store::Tx& tx) { return load_channel_summary(tx, who.tenant_id); });
    return http::Response::json(settings_json(s, base, tenant.code));
  });
  router.put("/api/line/settings", [&auth, &db, base](http::Request& req) {
    auto who = auth.require(req, auth::Role::admin);
    auto body = req.json_body();
    auto tenant = auth.tenant(who.tenant_id);
    // Checked before the transaction: nothing below waits on the writer lock.
    ChannelUpdate u;
    Json changed = Json::array();
    if (body.contains("channel_secret")) {
      u.channel_secret = optional_string(body, "channel_secret", 200);
      changed.push_back("channel_secret");
    }
    if (body.contains("access_token")) {
      u.access_token = optional_string(body, "access_token", 2000);
      changed.push_back("access_token");
    }
    if (body.contains("api_base")) {
      auto b = optional_string(body, "api_base", 500);
      if (b.rfind("https://", 0) != 0 && b.rfind("http://", 0) != 0)
        throw ApiError::bad_request("api_base は http(s):// で始まる URL にしてください",
                                    "api_base");
      while (!b.empty() && b.back() == '/') b.pop_back();
      // The server sends the channel's access token there: only LINE, or what the operator
      // allowed (--line-api-allow), never an address a tenant admin picks.
      if (!api_base_allowed(b))
        throw ApiError::bad_request(
            "api_base に指定できるのは https://api.line.me だけです（運用者が --line-api-allow "
            "で許可した URL を除く）",
            "api_base");
      u.api_base = b;
      changed.push_back("api_base");
    }
    if (body.contains("greeting")) {
      u.greeting = optional_string(body, "greeting", 4000);
      changed.push_back("greeting");
    }
    auto saved = db.write([&](store::Tx& tx) {
      auto s = update_settings(tx, who.tenant_id, u);
      // Only which fields changed: the secret and token never reach the audit log.
      auth::audit(tx, who, "line.settings.update", "line_channel", std::to_string(who.tenant_id),
                  {{"fields", changed}});
      return s;
    });
    forget_cached_channel_settings();  // after commit: the old secret stops working now
    return http::Response::json(settings_json(saved, base, tenant.code));
  });
}

}  // namespace mg::line
