#include "linesim/webhook_events.h"

#include "linesim/ids.h"

namespace mg::linesim::events {

Json base(const std::string& type, const std::string& user_id, int64_t ts) {
  return Json{{"type", type},
              {"timestamp", ts},
              {"mode", "active"},
              {"webhookEventId", ids::webhook_event_id(ts)},
              {"deliveryContext", {{"isRedelivery", false}}},
              {"source", {{"type", "user"}, {"userId", user_id}}}};
}

Json follow(const std::string& user_id, const std::string& reply_token, bool is_unblocked,
            int64_t ts) {
  Json e = base("follow", user_id, ts);
  e["replyToken"] = reply_token;
  e["follow"] = {{"isUnblocked", is_unblocked}};
  return e;
}

Json unfollow(const std::string& user_id, int64_t ts) { return base("unfollow", user_id, ts); }

Json message(const std::string& user_id, const std::string& reply_token, Json content, int64_t ts) {
  Json e = base("message", user_id, ts);
  e["replyToken"] = reply_token;
  e["message"] = std::move(content);
  return e;
}

Json postback(const std::string& user_id, const std::string& reply_token, const std::string& data,
              const Json& params, int64_t ts) {
  Json e = base("postback", user_id, ts);
  e["replyToken"] = reply_token;
  e["postback"] = {{"data", data}};
  if (params.is_object() && !params.empty()) e["postback"]["params"] = params;
  return e;
}

Json callback_body(const std::string& destination, const Json& events) {
  return Json{{"destination", destination}, {"events", events}};
}

}  // namespace mg::linesim::events
