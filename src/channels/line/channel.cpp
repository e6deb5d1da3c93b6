#include "channels/line/channel.h"

#include <algorithm>

#include "channels/line/channel_settings.h"
#include "channels/line/demo_rich_menu.h"
#include "channels/line/dispatcher.h"
#include "channels/line/event_processor.h"
#include "channels/line/faq_reply.h"
#include "channels/line/rich_menu_routes.h"
#include "channels/line/rich_menu_rules.h"
#include "channels/line/settings_routes.h"
#include "channels/line/webhook.h"
#include "core/log.h"

namespace mg::line {

LineChannel::LineChannel(std::unique_ptr<EventProcessor> events,
                         std::unique_ptr<Dispatcher> dispatcher)
    : events_(std::move(events)), dispatcher_(std::move(dispatcher)) {}
LineChannel::LineChannel(LineChannel&&) noexcept = default;
LineChannel& LineChannel::operator=(LineChannel&&) noexcept = default;
LineChannel::~LineChannel() { stop(); }

void LineChannel::stop() {
  // Events first: the processor hands new rows to the dispatcher.
  if (events_) events_->stop();
  if (dispatcher_) dispatcher_->stop();
}

LineChannel mount(http::Router& router, auth::AuthService& auth, store::Db& db,
                  jobs::Runner& runner, applications::ChatService& chat, services::Catalog& catalog,
                  const LineOptions& opt) {
  // Sending has its own outbox dispatcher (leases fit LINE's 1-minute tokens); the runner
  // carries the rich-menu bulk jobs.
  if (opt.secrets) use_secret_box(opt.secrets);
  allow_api_bases(opt.api_allow);
  allow_api_base(opt.demo_line_sim);
  if (int n = seal_plain_channel_secrets(db); n > 0)
    log::info("line channel credentials sealed", {{"count", n}});
  DispatchTiming timing;
  timing.lease_ms = opt.lease_ms;
  timing.heartbeat_ms = opt.heartbeat_ms;
  timing.lease_margin_ms = std::min<int64_t>(1000, opt.lease_ms / 4);
  auto dispatcher = std::make_unique<Dispatcher>(db, opt.dispatch_threads, timing);
  Dispatcher* d = dispatcher.get();
  auto events = std::make_unique<EventProcessor>(db, chat, catalog, [d] { d->wake(); });
  events->send_through(d);
  events->use_faq(opt.faq);
  if (opt.faq) {
    // Generative FAQ answers on LINE, after the event's transaction (faq_reply.h).
    events->on_jobs_written([&runner] { runner.wake(); });
    runner.handle(kGeneratedAnswerJob, [&db, faq = opt.faq, d](const jobs::Job& job) {
      if (answer_generated(db, *faq, job)) d->wake();
    });
  }
  EventProcessor* e = events.get();
  router.post("/line/{tenant}/webhook", [&auth, &db, e](http::Request& req) {
    return receive_webhook(req, auth, db, [e] { e->wake(); });
  });
  register_settings_routes(router, auth, db, opt.public_url);
  register_rich_menu_routes(router, auth, db, runner);
  register_menu_rule_routes(router, auth, db, runner);
  dispatcher->start();
  events->start();
  return LineChannel(std::move(events), std::move(dispatcher));
}

void configure_demo(store::Db& db, int64_t tenant_id, const std::string& line_sim_url,
                    const std::string& rich_menu_image) {
  std::string base = line_sim_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  db.write([&](store::Tx& tx) {
    ChannelSettings s = load_settings(tx, tenant_id).value_or(unconfigured(tenant_id));
    s.channel_secret = "demo-secret";
    s.access_token = "demo-token";
    s.api_base = base;
    save_settings(tx, s);
  });
  ensure_demo_rich_menu(db, tenant_id, rich_menu_image);
}

}  // namespace mg::line
