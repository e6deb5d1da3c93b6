#pragma once
// The LINE window (窓口): turns one resident event into a chat turn and the messages that
// answer it. State changes other than the chat turn (follow/unfollow) are returned, not
// written, so the caller commits them with the outbox rows in one transaction.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "applications/chat.h"
#include "channels/line/line_api.h"
#include "core/json.h"
#include "services/catalog.h"
#include "store/db.h"

namespace mg::line {

struct ResidentContext {
  int64_t tenant_id = 0;
  int64_t resident_id = 0;
  std::string tenant_name;
  std::string greeting;  // the tenant's own follow greeting, if set
  // The event was being processed when the server stopped; its chat turn may already have
  // been applied, so we show where the dialog stands instead of applying the input again.
  bool recovered = false;
  const std::vector<services::ServiceSummary>* services = nullptr;
  LineEndpoint line;
};

struct EventAnswer {
  Json messages = Json::array();
  std::optional<std::string> resident_status;  // "active" | "blocked"
};

class Desk {
 public:
  Desk(store::Db& db, applications::ChatService& chat) : db_(db), chat_(chat) {}
  EventAnswer answer(const Json& event, const ResidentContext& ctx);

 private:
  Json turn_messages(const applications::ChatTurn& turn);
  Json menu(const ResidentContext& ctx, int page, const std::string& intro);
  EventAnswer to_session(const ResidentContext& ctx, const Json& input);
  EventAnswer start_service(const ResidentContext& ctx, const std::string& service_id);
  EventAnswer on_text(const ResidentContext& ctx, const std::string& text);
  EventAnswer on_postback(const ResidentContext& ctx, const Json& postback);
  EventAnswer on_message(const ResidentContext& ctx, const Json& message);

  store::Db& db_;
  applications::ChatService& chat_;
};

}  // namespace mg::line
