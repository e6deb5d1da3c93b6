#pragma once
#include "app/config.h"
#include "app/static_files.h"
#include "applications/attachments.h"
#include "applications/chat.h"
#include "applications/inbox.h"
#include "auth/service.h"
#include "channels/line/channel.h"
#include "core/router.h"
#include "faq/service.h"
#include "jobs/queue.h"
#include "services/catalog.h"
#include "store/db.h"

namespace mg::app {

// What the routes use; owned by the caller and outliving the router.
struct Deps {
  const ServeConfig& config;
  store::Db& db;
  auth::AuthService& auth;
  services::Catalog& catalog;
  applications::ChatService& chat;
  applications::Inbox& inbox;
  jobs::Runner& runner;
  const StaticFiles& web;
  faq::FaqService& faq;
};

// Registers every route `serve` answers, in matching order; `madoguchi routes` lists the
// same set, so the isolation test covers exactly what is served. Starts the LINE channel's
// threads: keep the result alive while the router is used, stop() it before the deps go.
[[nodiscard]] line::LineChannel register_all_routes(http::Router& router, const Deps& deps);

// While draining (SIGTERM with --drain-ms), /healthz answers 503 so load balancers stop
// sending new work here; requests keep being served.
void set_draining(bool on);

// Residents' upload quotas and how long unclaimed uploads are kept, from the settings.
applications::UploadLimits upload_limits(const ServeConfig& config);

}  // namespace mg::app
