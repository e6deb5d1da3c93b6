// Messaging API: sending (reply/push/multicast/broadcast/narrowcast), validation, profiles,
// message content, quota and bot info. Handlers run under the Platform lock (see api()).
#include "core/clock.h"
#include "linesim/ids.h"
#include "linesim/line_error.h"
#include "linesim/message_validator.h"
#include "linesim/platform.h"
#include "linesim/request_body.h"

namespace mg::linesim {

using http::Request;
using http::Response;

namespace {

// Quotable message types get a quoteToken in sentMessages (messaging-api.yml SentMessage).
bool quotable(const Json& m) {
  auto t = m.value("type", "");
  return t == "text" || t == "textV2" || t == "sticker" || t == "image" || t == "video";
}

void validate_to_single(const Json& body, Problems& p) {
  auto it = body.find("to");
  if (it == body.end() || it->is_null())
    p.add("to", "must be specified");
  else if (!it->is_string())
    p.invalid_property("to");
}

}  // namespace

Json Platform::deliver(Resident& r, const std::string& endpoint, Json messages, ApiCall& call,
                       bool notification_disabled) {
  Json sent = Json::array();
  for (auto& m : messages) {
    bool quote = quotable(m);
    Json stored = std::move(m);
    std::string id = ids::message_id();
    stored["id"] = id;
    Json s = {{"id", id}};
    if (quote) s["quoteToken"] = ids::quote_token();
    sent.push_back(std::move(s));
    ChatEntry entry;
    entry.from = "bot";
    entry.endpoint = endpoint;
    entry.retry_key = call.retry_key;
    entry.request_id = call.request_id;
    entry.timestamp = call.now;
    entry.notification_disabled = notification_disabled;
    entry.message = std::move(stored);
    residents_.append(r, std::move(entry));
  }
  return sent;
}

Response Platform::send_messages(const std::string& endpoint, const Json& body, ApiCall& call) {
  Problems p;
  validate_messages(body, p);
  if (endpoint == "push") validate_to_single(body, p);
  if (endpoint == "multicast") {
    auto it = body.find("to");
    if (it == body.end() || it->is_null()) {
      p.add("to", "must be specified");
    } else if (!it->is_array()) {
      p.invalid_property("to");
    } else if (it->empty() || it->size() > 500) {
      p.add("to", "Size must be between 1 and 500");
    } else {
      for (std::size_t i = 0; i < it->size(); ++i)
        if (!(*it)[i].is_string() || !ids::is_user_id((*it)[i].get<std::string>()))
          p.add("to[" + std::to_string(i) + "]", "must be a valid user ID");
    }
  }
  if (endpoint == "narrowcast") {
    if (body.contains("recipient")) {
      const Json& rc = body["recipient"];
      std::string t = rc.is_object() ? rc.value("type", "") : "";
      if (t != "audience" && t != "redelivery" && t != "operator")
        p.add("recipient.type", "must be one of audience, redelivery, operator");
    }
    if (body.contains("limit") && body["limit"].is_object() && body["limit"].contains("max") &&
        (!body["limit"]["max"].is_number_integer() || body["limit"]["max"].get<int64_t>() < 1))
      p.add("limit.max", "must be at least 1");
  }
  if (auto nd = body.find("notificationDisabled"); nd != body.end() && !nd->is_boolean())
    p.invalid_property("notificationDisabled");
  if (!p.empty()) return p.to_response();

  const Json& messages = body["messages"];
  bool quiet = body.value("notificationDisabled", false);

  // Who receives it. Blocked and unknown users silently receive nothing (multicast and
  // broadcast answer 200 anyway, as LINE does).
  std::vector<Resident*> targets;
  if (endpoint == "push") {
    const auto& to = body["to"].get_ref<const std::string&>();
    if (!ids::is_user_id(to) && !ids::is_group_id(to) && !ids::is_room_id(to))
      return line_error(400,
                        "The property, 'to', in the request body is invalid (line: -, "
                        "column: -)");
    Resident* r = residents_.find(to);
    // The sim has no groups or rooms and never heard of this user.
    if (!r) return line_error(400, "Failed to send messages");
    if (r->following) targets.push_back(r);
  } else if (endpoint == "multicast") {
    for (const auto& to : body["to"])
      if (Resident* r = residents_.find(to.get<std::string>()); r && r->following)
        targets.push_back(r);
  } else {  // broadcast, narrowcast
    for (auto& [id, r] : residents_.all())
      if (r.following) targets.push_back(&r);
    if (endpoint == "narrowcast" && body.contains("limit") && body["limit"].contains("max")) {
      auto max = body["limit"]["max"].get<std::size_t>();
      if (targets.size() > max) targets.resize(max);
    }
  }

  // Everything but reply draws on the monthly quota, one per recipient.
  auto recipients = static_cast<int64_t>(targets.size());
  if (quota_type_ == "limited" && quota_used_ + recipients > quota_value_)
    return line_error(429, msg::kMonthlyLimit);
  quota_used_ += recipients;

  Json sent = Json::array();
  for (Resident* r : targets) sent = deliver(*r, endpoint, messages, call, quiet);
  if (endpoint == "push") {
    if (sent.empty())  // blocked: nothing delivered, but the IDs still exist for the caller
      for (std::size_t i = 0; i < messages.size(); ++i) sent.push_back({{"id", ids::message_id()}});
    return Response::json({{"sentMessages", sent}});
  }
  if (endpoint == "narrowcast") {
    narrowcasts_[call.request_id] = {{"phase", "succeeded"},
                                     {"successCount", recipients},
                                     {"failureCount", 0},
                                     {"targetCount", recipients},
                                     {"acceptedTime", iso8601_utc(call.now)},
                                     {"completedTime", iso8601_utc(call.now)}};
    return Response::json(Json::object(), 202);
  }
  return Response::json(Json::object());
}

void Platform::add_messaging_routes() {
  add_api("POST", "/v2/bot/message/reply", false, [this](Request& req, ApiCall& call) {
    Response err;
    auto body = parse_line_body(req, err);
    if (!body) return err;
    Problems p;
    validate_messages(*body, p);
    auto tok = body->find("replyToken");
    if (tok == body->end() || tok->is_null())
      p.add("replyToken", "must be specified");
    else if (!tok->is_string())
      p.invalid_property("replyToken");
    if (!p.empty()) return p.to_response();
    auto user = reply_tokens_.consume(tok->get<std::string>(), call.now);
    if (!user) return line_error(400, msg::kInvalidReplyToken);
    Resident* r = residents_.find(*user);
    Json sent;
    bool quiet = body->value("notificationDisabled", false);
    if (r && r->following) {
      sent = deliver(*r, "reply", std::move((*body)["messages"]), call, quiet);
    } else {
      sent = Json::array();
      for (std::size_t i = 0; i < (*body)["messages"].size(); ++i)
        sent.push_back({{"id", ids::message_id()}});
    }
    return Response::json({{"sentMessages", sent}});
  });

  for (std::string endpoint : {"push", "multicast", "broadcast", "narrowcast"}) {
    add_api("POST", "/v2/bot/message/" + endpoint, true,
            [this, endpoint](Request& req, ApiCall& call) {
              Response err;
              auto body = parse_line_body(req, err);
              if (!body) return err;
              return send_messages(endpoint, *body, call);
            });
  }

  add_api("GET", "/v2/bot/message/progress/narrowcast", false, [this](Request& req, ApiCall&) {
    auto id = req.query_or("requestId");
    if (id.empty())
      return line_error(400, "requestId is required", {{"must be specified", "requestId"}});
    auto it = narrowcasts_.find(id);
    if (it == narrowcasts_.end()) return line_error(404, msg::kNotFound);
    return Response::json(it->second);
  });

  add_api("POST", "/v2/bot/message/validate/{kind}", false, [](Request& req, ApiCall&) {
    const auto& kind = req.params["kind"];
    if (kind != "reply" && kind != "push" && kind != "multicast" && kind != "narrowcast" &&
        kind != "broadcast")
      return line_error(404, msg::kNotFound);
    Response err;
    auto body = parse_line_body(req, err);
    if (!body) return err;
    Problems p;
    validate_messages(*body, p);
    return p.empty() ? Response::json(Json::object()) : p.to_response();
  });

  add_api("GET", "/v2/bot/profile/{userId}", false, [this](Request& req, ApiCall&) {
    const Resident* r = residents_.find(req.params["userId"]);
    if (!r || !r->following) return line_error(404, msg::kNotFound);
    return Response::json(r->profile_json());
  });

  add_api("GET", "/v2/bot/message/{messageId}/content", false, [this](Request& req, ApiCall&) {
    const StoredContent* c = residents_.content(req.params["messageId"]);
    if (!c) return line_error(404, msg::kNotFound);
    return Response::text(c->bytes, c->content_type);
  });

  add_api("GET", "/v2/bot/message/{messageId}/content/transcoding", false,
          [this](Request& req, ApiCall&) {
            if (!residents_.content(req.params["messageId"]))
              return line_error(404, msg::kNotFound);
            return Response::json({{"status", "succeeded"}});
          });

  add_api("GET", "/v2/bot/message/quota", false, [this](Request&, ApiCall&) {
    Json j = {{"type", quota_type_}};
    if (quota_type_ == "limited") j["value"] = quota_value_;
    return Response::json(j);
  });

  add_api("GET", "/v2/bot/message/quota/consumption", false, [this](Request&, ApiCall&) {
    return Response::json({{"totalUsage", quota_used_}});
  });

  add_api("GET", "/v2/bot/info", false, [this](Request&, ApiCall&) {
    return Response::json({{"userId", bot_user_id_},
                           {"basicId", "@linesim"},
                           {"displayName", "madoguchi (line-sim)"},
                           {"chatMode", "bot"},
                           {"markAsReadMode", "auto"}});
  });

  add_api("POST", "/v2/bot/chat/loading/start", false, [this](Request& req, ApiCall&) {
    Response err;
    auto body = parse_line_body(req, err);
    if (!body) return err;
    Problems p;
    auto chat = body->find("chatId");
    if (chat == body->end() || !chat->is_string())
      p.add("chatId", "must be specified");
    else if (!residents_.find(chat->get<std::string>()))
      return line_error(400, "Failed to show loading animation");
    if (auto s = body->find("loadingSeconds"); s != body->end()) {
      if (!s->is_number_integer() || s->get<int>() < 5 || s->get<int>() > 60 || s->get<int>() % 5)
        p.add("loadingSeconds", "must be a multiple of 5 between 5 and 60");
    }
    if (!p.empty()) return p.to_response();
    return Response::json(Json::object(), 202);
  });

  add_api("GET", "/v2/bot/followers/ids", false, [this](Request&, ApiCall&) {
    Json ids = Json::array();
    for (const auto& [id, r] : residents_.all())
      if (r.following) ids.push_back(id);
    return Response::json({{"userIds", ids}});
  });
}

}  // namespace mg::linesim
