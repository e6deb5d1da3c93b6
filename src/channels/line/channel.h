#pragma once
// The LINE channel: webhook, settings, event processing and the outbox dispatcher.
// Wiring (src/app/server.cpp):
//   auto line = line::mount(router, auth, *db, runner, chat, catalog, opt);
//   ... server.run();
//   line.stop();   // before the database and services go away
#include <cstdint>
#include <memory>
#include <string>

#include "applications/chat.h"
#include "auth/service.h"
#include "core/router.h"
#include "core/sealed_box.h"
#include "faq/service.h"
#include "jobs/queue.h"
#include "services/catalog.h"
#include "store/db.h"

namespace mg::line {

struct LineOptions {
  std::string public_url;
  std::string demo_line_sim;  // also allowed as an API base
  int dispatch_threads = 4;
  std::string api_allow;  // "URL[,URL]": API bases the operator allows besides LINE's own
  // The key channel secrets and tokens are sealed with; null keeps the current one (tests).
  std::shared_ptr<const crypto::SealedBox> secrets;
  faq::FaqService* faq = nullptr;  // answers free text outside a dialog (issue 14)
  int64_t lease_ms = 10'000;       // outbox leases (DispatchTiming)
  int64_t heartbeat_ms = 2'000;
};

class EventProcessor;
class Dispatcher;

// Owns the channel's background threads; stop() (or destruction) ends them cleanly.
class LineChannel {
 public:
  LineChannel(std::unique_ptr<EventProcessor> events, std::unique_ptr<Dispatcher> dispatcher);
  LineChannel(LineChannel&&) noexcept;
  LineChannel& operator=(LineChannel&&) noexcept;
  ~LineChannel();
  void stop();
  EventProcessor& events() { return *events_; }
  Dispatcher& dispatcher() { return *dispatcher_; }

 private:
  std::unique_ptr<EventProcessor> events_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

// Adds the routes and starts the threads. Keep the result alive while the server runs.
[[nodiscard]] LineChannel mount(http::Router& router, auth::AuthService& auth, store::Db& db,
                                jobs::Runner& runner, applications::ChatService& chat,
                                services::Catalog& catalog, const LineOptions& opt);

// Points the demo tenant at a line-sim started with --channel-secret demo-secret
// --access-token demo-token, and gives it a default rich menu (image from rich_menu_image).
void configure_demo(store::Db& db, int64_t tenant_id, const std::string& line_sim_url,
                    const std::string& rich_menu_image = {});

}  // namespace mg::line
