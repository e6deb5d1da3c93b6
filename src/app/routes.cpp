#include "app/routes.h"

#include <atomic>

#include "app/server.h"
#include "applications/routes.h"
#include "auth/routes.h"
#include "channels/line/builder_preview.h"
#include "channels/line/dispatcher.h"
#include "channels/line/line_messenger.h"
#include "channels/web/routes.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/http_server.h"
#include "core/log.h"
#include "core/metrics.h"
#include "delivery/campaigns.h"
#include "delivery/click_tracking.h"
#include "delivery/emergency_routes.h"
#include "delivery/report_routes.h"
#include "delivery/routes.h"
#include "faq/routes.h"
#include "garbage/routes.h"
#include "handoff/routes.h"
#include "handoff/store.h"
#include "jobs/routes.h"
#include "postal/routes.h"
#include "reservations/routes.h"
#include "residents/import_routes.h"
#include "residents/routes.h"
#include "residents/settings_routes.h"
#include "services/flow_checks.h"
#include "services/routes.h"

namespace mg::app {

namespace {
std::atomic<bool> g_draining{false};
}  // namespace

void set_draining(bool on) { g_draining = on; }

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

namespace {
// Liveness and metrics for the operator.
void mount_operations(http::Router& router, const Deps& deps) {
  router.get("/healthz", [&db = deps.db](http::Request&) {
    if (g_draining.load()) return http::Response::json({{"status", "draining"}}, 503);
    db.read([](store::Tx& tx) { tx.one("SELECT 1"); });
    return http::Response::json(
        {{"status", "ok"}, {"database", store::backend_name(db.backend())}});
  });
  router.get("/metrics", [&config = deps.config](http::Request& req) {
    if (!metrics::may_scrape(req, config.metrics_token))
      throw ApiError::not_found("見つかりません");
    return http::Response::text(metrics::render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  // Tests only (--test-clock): moves the whole process's clock forward, e.g. past a waitlist
  // offer's expiry, so the job due then runs without the test waiting.
  if (deps.config.test_clock)
    router.post("/api/test/clock", [&auth = deps.auth](http::Request& req) {
      auth.require(req, auth::Role::admin);
      Json body = req.json_body();
      auto it = body.find("advance_ms");
      if (it == body.end() || !it->is_number_integer() || it->get<int64_t>() < 0)
        throw ApiError::bad_request("advance_ms は 0 以上の整数です", "advance_ms");
      static std::atomic<int64_t> offset{0};
      clock::set_offset_ms(offset += it->get<int64_t>());
      return http::Response::json({{"offset_ms", offset.load()}});
    });
}

// Last: any other /api path is a JSON 404, everything else the web front end.
void mount_fallbacks(http::Router& router, const StaticFiles& web) {
  for (const char* m : {"GET", "POST", "PUT", "PATCH", "DELETE"})
    router.add(m, "/api/{*rest}", [](http::Request&) -> http::Response {
      throw ApiError::not_found("API が見つかりません");
    });
  // The FAQ widget's page (web/public/widget.js frames it on municipal sites): the only page
  // any site may frame; every other page keeps frame-ancestors 'none'.
  router.get("/widget/{tenant}", [&web](http::Request& req) {
    auto res = web.serve(req);
    if (res.content_type.rfind("text/html", 0) == 0) {
      std::string csp = http::content_security_policy(res.content_type);
      auto at = csp.find("frame-ancestors 'none'");
      if (at != std::string::npos) csp.replace(at, 22, "frame-ancestors *");
      res.header("Content-Security-Policy", csp);
    }
    return res;
  });
  router.get("/{*path}", [&web](http::Request& req) { return web.serve(req); });
}
}  // namespace

line::LineChannel register_all_routes(http::Router& router, const Deps& deps) {
  const auto& config = deps.config;
  auth::mount(router, deps.auth, deps.db);
  services::mount(router, deps.auth, deps.catalog,
                  services::TemplateGallery(default_dir(config.templates_dir, "templates")));
  services::mount_flow_checks(router, deps.auth, deps.catalog, deps.db);
  line::mount_builder_preview(router, deps.auth);
  postal::mount(router, deps.auth, deps.db);
  garbage::mount(router, deps.auth, deps.db);
  faq::mount(router, deps.auth, deps.db, deps.faq);
  deps.faq.count_handoffs_with(handoff::started_per_day);  // FAQ statistics' 有人対応
  deps.faq.count_entry_handoffs_with(handoff::started_per_faq_entry);  // per entry: 有人対応へ
  // Import/export before residents' {id} routes.
  residents::register_import_routes(router, deps.auth, deps.db);
  residents::mount(router, deps.auth, deps.db);
  reservations::mount(router, deps.auth, deps.db,
                      [&auth = deps.auth, &db = deps.db, secure = config.secure_cookies](
                          const http::Request& req, bool create) {
                        auto r = web::device_resident(auth, db, req, create, secure);
                        reservations::PublicResident p{r.resident_id, r.set_cookie};
                        p.tenant_id = r.tenant_id;
                        return p;
                      });
  residents::mount_settings(router, deps.auth, deps.db,
                            [&auth = deps.auth, &db = deps.db, secure = config.secure_cookies](
                                const http::Request& req, bool create) {
                              auto r = web::device_resident(auth, db, req, create, secure);
                              return residents::CallerResident{r.resident_id, r.set_cookie};
                            });
  applications::mount(router, deps.auth, deps.db, deps.catalog, deps.inbox);
  jobs::mount(router, deps.db, auth::jobs_admin(deps.auth));
  web::mount(router, deps.auth, deps.db, deps.catalog, deps.chat, deps.inbox, config.secure_cookies,
             upload_limits(config),
             web::map_settings(config.map_tiles, config.map_attribution, config.map_center,
                               config.map_zoom));
  std::string public_url =
      config.public_url.empty() ? "http://" + config.listen : config.public_url;
  auto line =
      line::mount(router, deps.auth, deps.db, deps.runner, deps.chat, deps.catalog,
                  {public_url, config.demo_line_sim, config.line_senders, config.line_api_allow,
                   line_secrets(config), &deps.faq, config.lease_ms, config.heartbeat_ms});
  // Campaigns: routes, fan-out and retention jobs; the dispatcher paces and reports batches.
  line.dispatcher().set_multicast_rate(config.line_multicast_per_second);
  line.dispatcher().on_campaign_batch(delivery::record_batch);
  // Hand-off to staff: replies to LINE residents go through the LINE Messenger (the outbox).
  auto handoff_messengers = std::make_shared<messaging::Dispatch>();
  handoff_messengers->add("line",
                          std::make_shared<line::LineMessenger>(deps.chat, config.public_url));
  handoff::mount(router, deps.auth, deps.db,
                 {[&auth = deps.auth, &db = deps.db, secure = config.secure_cookies](
                      const http::Request& req, bool create) {
                    auto r = web::device_resident(auth, db, req, create, secure);
                    return handoff::CallerResident{r.resident_id, r.set_cookie};
                  },
                  handoff_messengers, [d = &line.dispatcher()] { d->wake(); }});
  delivery::set_redirect_base(public_url);  // tracked links: {public_url}/r/{token}
  delivery::register_routes(router, deps.auth, deps.db, deps.runner);
  delivery::register_emergency_routes(router, deps.auth, deps.db, deps.runner);
  delivery::register_report_routes(router, deps.auth, deps.db);
  delivery::register_jobs(deps.runner, deps.db, int64_t{config.outbox_retention_days} * 86400000,
                          [d = &line.dispatcher()] { d->wake(); });
  mount_operations(router, deps);
  mount_fallbacks(router, deps.web);
  return line;
}

}  // namespace mg::app
