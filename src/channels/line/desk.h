#pragma once
// The LINE window (窓口): turns one resident event into a chat turn and the messages that
// answer it, inside the caller's transaction, so the turn and the outbox rows that answer it
// commit together (or not at all).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "applications/chat.h"
#include "channels/line/line_api.h"
#include "channels/line/photo_intake.h"
#include "core/json.h"
#include "faq/service.h"
#include "services/catalog.h"
#include "store/db.h"

namespace mg::line {

struct ResidentContext {
  int64_t tenant_id = 0;
  int64_t resident_id = 0;
  std::string tenant_name;
  std::string greeting;  // the tenant's own follow greeting, if set
  const std::vector<services::ServiceSummary>* services = nullptr;
  LineEndpoint line;
  const DownloadedPhoto* photo = nullptr;  // fetched before the transaction, for image events
  // The first page of the service menu, rendered once per tenant and batch (most answers to
  // new residents end with it); null disables the cache.
  Json* first_menu = nullptr;
  // The event's sender and reply token: a FAQ answer written later (a generative answer,
  // faq_reply.h) goes to them through the outbox.
  std::string user_id;
  std::string reply_token;
  int64_t reply_token_at = 0;
};

struct EventAnswer {
  Json messages = Json::array();
  std::optional<std::string> resident_status;  // "active" | "blocked"
  bool jobs_enqueued = false;                  // wake the job runner after the commit
};

class Desk {
 public:
  explicit Desk(applications::ChatService& chat) : chat_(chat) {}
  EventAnswer answer(store::Tx& tx, const Json& event, const ResidentContext& ctx);
  // Free text outside a dialog asks the FAQ (issue 14); null keeps the menu answer.
  void use_faq(faq::FaqService* faq) { faq_ = faq; }

 private:
  Json turn_messages(const applications::ChatTurn& turn);
  Json menu(const ResidentContext& ctx, int page, const std::string& intro);
  // multi_step: the multi-choice step a tapped choice belongs to (short answer to the tap).
  EventAnswer to_session(store::Tx& tx, const ResidentContext& ctx, const Json& input,
                         const std::string& multi_step = {});
  EventAnswer start_service(store::Tx& tx, const ResidentContext& ctx,
                            const std::string& service_id);
  // 申請した手続き (rich menu): the resident's applications with receipt number and status.
  EventAnswer my_applications(store::Tx& tx, const ResidentContext& ctx);
  EventAnswer on_text(store::Tx& tx, const ResidentContext& ctx, const std::string& text);
  // Hand-off to staff (issue 14): a LINE resident's conversation with a department.
  EventAnswer start_handoff(store::Tx& tx, const ResidentContext& ctx,
                            std::optional<std::string> department);
  // The FAQ answer plus, after two failures in a row, the offer to talk to staff.
  EventAnswer faq_turn(store::Tx& tx, const ResidentContext& ctx, const std::string& text);
  EventAnswer on_postback(store::Tx& tx, const ResidentContext& ctx, const Json& postback);
  EventAnswer on_message(store::Tx& tx, const ResidentContext& ctx, const Json& message);

  applications::ChatService& chat_;
  faq::FaqService* faq_ = nullptr;
};

}  // namespace mg::line
