#pragma once
// Hand-off routes. Staff: the queue (waiting, mine, closed), one conversation with its
// transcript, replies, closing, staffed hours, the per-day count, and a server-sent event
// stream that says when to look again. Residents (web, device cookie): start, read, send,
// and an event stream of their conversation's messages.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "auth/service.h"
#include "core/router.h"
#include "messaging/messenger.h"
#include "store/db.h"

namespace mg::handoff {

struct CallerResident {
  int64_t resident_id = 0;
  std::optional<std::string> set_cookie;
};

struct RouteDeps {
  // The web resident behind the request's device cookie (created when `create`).
  std::function<CallerResident(const http::Request&, bool create)> resident_of;
  // Staff replies to LINE residents go through their channel's Messenger (the outbox).
  std::shared_ptr<const messaging::Dispatch> messengers;
  // Called after a commit that queued LINE messages, so they leave at once.
  std::function<void()> wake_line;
};

void mount(http::Router& router, auth::AuthService& auth, store::Db& db, RouteDeps deps);

}  // namespace mg::handoff
