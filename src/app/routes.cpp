#include "app/routes.h"

#include "app/server.h"
#include "applications/lookup_routes.h"
#include "applications/routes.h"
#include "auth/routes.h"
#include "channels/web/routes.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/metrics.h"
#include "postal/routes.h"
#include "services/routes.h"

namespace mg::app {

namespace {
// The key that seals LINE secrets at rest; created (0600) beside the data at first start.
std::shared_ptr<const crypto::SealedBox> line_secrets(const ServeConfig& config) {
  bool created = false;
  std::string source;
  auto box = std::make_shared<const crypto::SealedBox>(resolve_secret_key(config, created, source));
  if (created) log::warn("secret key created: back it up with the database", {{"path", source}});
  return box;
}
}  // namespace

applications::UploadLimits upload_limits(const ServeConfig& config) {
  return applications::UploadLimits::per_device(config.upload_daily_count,
                                                int64_t{config.upload_daily_mb} << 20,
                                                int64_t{config.upload_unclaimed_seconds} * 1000);
}

line::LineChannel register_all_routes(http::Router& router, const Deps& deps) {
  const auto& config = deps.config;
  auth::register_routes(router, deps.auth, deps.db);
  services::register_routes(router, deps.auth, deps.catalog);
  postal::register_routes(router, deps.auth, deps.db);
  applications::register_routes(router, deps.auth, deps.db, deps.inbox);
  services::register_template_routes(
      router, deps.auth, deps.catalog,
      services::TemplateGallery(default_dir(config.templates_dir, "templates")));
  applications::register_lookup_routes(router, deps.auth, deps.db, deps.catalog);
  web::register_routes(router, deps.auth, deps.db, deps.catalog, deps.chat, deps.inbox,
                       config.secure_cookies, upload_limits(config),
                       web::map_settings(config.map_tiles, config.map_attribution,
                                         config.map_center, config.map_zoom));
  std::string public_url =
      config.public_url.empty() ? "http://" + config.listen : config.public_url;
  auto line =
      line::register_channel(router, deps.auth, deps.db, deps.runner, deps.chat, deps.catalog,
                             {public_url, config.demo_line_sim, config.line_senders,
                              config.line_api_allow, line_secrets(config)});

  router.get("/healthz", [&db = deps.db](http::Request&) {
    db.read([](store::Tx& tx) { tx.one("SELECT 1"); });
    return http::Response::json(
        {{"status", "ok"}, {"database", store::backend_name(db.backend())}});
  });
  router.get("/metrics", [&config](http::Request& req) {
    if (!metrics::may_scrape(req, config.metrics_token))
      throw ApiError::not_found("見つかりません");
    return http::Response::text(metrics::render(), "text/plain; version=0.0.4; charset=utf-8");
  });

  for (const char* m : {"GET", "POST", "PUT", "PATCH", "DELETE"})
    router.add(m, "/api/{*rest}", [](http::Request&) -> http::Response {
      throw ApiError::not_found("API が見つかりません");
    });
  router.get("/{*path}", [&web = deps.web](http::Request& req) { return web.serve(req); });
  return line;
}

}  // namespace mg::app
