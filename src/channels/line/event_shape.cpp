#include "channels/line/event_shape.h"

namespace mg::line {

namespace {

// Only find() and type checks: nothing here may throw on any JSON value.
const Json* member(const Json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

bool is_string_or_absent(const Json* v) { return !v || v->is_string(); }

EventShape rejected(EventShape s, std::string reason) {
  s.verdict = EventVerdict::reject;
  s.reason = std::move(reason);
  return s;
}

// The parts of a message event the desk reads.
std::string message_problem(const Json* m) {
  if (!m || !m->is_object()) return "message: not an object";
  const Json* type = member(*m, "type");
  if (!type || !type->is_string()) return "message.type: not a string";
  if (!is_string_or_absent(member(*m, "id"))) return "message.id: not a string";
  const std::string& t = type->get_ref<const std::string&>();
  if (t == "text" && !is_string_or_absent(member(*m, "text"))) return "message.text: not a string";
  if (t == "location") {
    for (const char* k : {"latitude", "longitude"}) {
      const Json* v = member(*m, k);
      if (v && !v->is_number()) return std::string("message.") + k + ": not a number";
    }
    if (!is_string_or_absent(member(*m, "address"))) return "message.address: not a string";
  }
  if (t == "image") {
    const Json* id = member(*m, "id");
    if (!id || id->get_ref<const std::string&>().empty()) return "message.id: missing";
  }
  return "";
}

std::string postback_problem(const Json* p) {
  if (!p || !p->is_object()) return "postback: not an object";
  if (!is_string_or_absent(member(*p, "data"))) return "postback.data: not a string";
  const Json* params = member(*p, "params");
  if (params && !params->is_null() && !params->is_object()) return "postback.params: not an object";
  return "";
}

}  // namespace

const char* verdict_status(EventVerdict v) {
  switch (v) {
    case EventVerdict::answer:
      return "pending";
    case EventVerdict::skip:
      return "skipped";
    case EventVerdict::reject:
      return "failed";
  }
  return "failed";
}

EventShape classify_event(const Json& e) {
  EventShape s;
  if (!e.is_object()) return rejected(s, "event: not an object");

  const Json* id = member(e, "webhookEventId");
  if (id) {
    if (!id->is_string() || id->get_ref<const std::string&>().empty() ||
        id->get_ref<const std::string&>().size() > kMaxEventIdChars)
      return rejected(s, "webhookEventId: not a string of 1-128 characters");
    s.webhook_event_id = id->get<std::string>();
  }
  const Json* type = member(e, "type");
  if (!type || !type->is_string() || type->get_ref<const std::string&>().empty() ||
      type->get_ref<const std::string&>().size() > kMaxEventTypeChars)
    return rejected(s, "type: not a string of 1-64 characters");
  s.type = type->get<std::string>();

  const Json* source = member(e, "source");
  if (source && !source->is_object()) return rejected(s, "source: not an object");
  const Json* user = source ? member(*source, "userId") : nullptr;
  if (user && (!user->is_string() || user->get_ref<const std::string&>().size() > kMaxEventIdChars))
    return rejected(s, "source.userId: not a string of at most 128 characters");
  if (user) s.user_id = user->get<std::string>();

  // Number types are checked before reading: a float or a value past INT64_MAX is no timestamp.
  const Json* ts = member(e, "timestamp");
  if (!ts || !(ts->is_number_integer()) ||
      (ts->is_number_unsigned() ? ts->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)
                                : ts->get<int64_t>() < 0))
    return rejected(s, "timestamp: not a non-negative integer");
  s.timestamp_ms =
      ts->is_number_unsigned() ? static_cast<int64_t>(ts->get<uint64_t>()) : ts->get<int64_t>();

  const Json* mode = member(e, "mode");
  if (!is_string_or_absent(mode)) return rejected(s, "mode: not a string");
  if (!is_string_or_absent(member(e, "replyToken"))) return rejected(s, "replyToken: not a string");

  std::string problem;
  if (s.type == "message") problem = message_problem(member(e, "message"));
  if (s.type == "postback") problem = postback_problem(member(e, "postback"));
  if (!problem.empty()) return rejected(s, problem);

  // Standby-mode events (another channel owns the chat) and events without a user (LINE sends
  // some without source.userId) are kept for the record but not answered.
  if (mode && mode->get_ref<const std::string&>() == "standby") {
    s.verdict = EventVerdict::skip;
    s.reason = "standby mode";
    return s;
  }
  if (s.user_id.empty()) {
    s.verdict = EventVerdict::skip;
    s.reason = "no source.userId";
    return s;
  }
  s.verdict = EventVerdict::answer;
  return s;
}

}  // namespace mg::line
