#include "handoff/routes.h"

#include <chrono>

#include "auth/store.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/http.h"
#include "core/sse.h"
#include "handoff/service.h"
#include "handoff/store.h"

namespace mg::handoff {

namespace {

using auth::Role;

int64_t id_param(const http::Request& req) {
  const std::string& s = req.params.at("id");
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
    throw ApiError::not_found();
  return std::stoll(s);
}

int64_t after_param(const http::Request& req) {
  std::string s = req.header("last-event-id").value_or(req.query_or("after"));
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
    return 0;
  return std::stoll(s);
}

// Staff see their departments' conversations; one without a department only admins.
bool visible(const auth::Principal& who, const Conversation& c) {
  return who.all_departments() || (!c.department.empty() && who.in_department(c.department));
}

Json conversation_json(const Conversation& c) {
  return {{"id", c.id},
          {"channel", c.channel},
          {"department", c.department},
          {"status", c.status},
          {"assignee_id", c.assignee_id ? Json(*c.assignee_id) : Json(nullptr)},
          {"recent_questions", c.recent_questions},
          {"faq_entry_id", c.faq_entry_id ? Json(*c.faq_entry_id) : Json(nullptr)},
          {"created_at", c.created_at},
          {"updated_at", c.updated_at}};
}

Json messages_json(const std::vector<Message>& ms) {
  Json out = Json::array();
  for (const auto& m : ms) out.push_back(message_json(m));
  return out;
}

void require_json(const http::Request& req) {
  // A JSON content type forces a CORS preflight, so other sites cannot post in a resident's
  // name with their cookie.
  auto ct = req.header("content-type");
  if (!ct || ct->rfind("application/json", 0) != 0)
    throw ApiError(415, "unsupported_type", "Content-Type: application/json で送ってください");
}

http::Response with_cookie(http::Response res, const CallerResident& r) {
  if (r.set_cookie) res.header("Set-Cookie", *r.set_cookie);
  return res;
}

std::vector<std::string> recent_from(const Json& body) {
  std::vector<std::string> out;
  if (!body.contains("recent") || body["recent"].is_null()) return out;
  if (!body["recent"].is_array() || body["recent"].size() > 20)
    throw ApiError::bad_request("recent は質問の配列です", "recent");
  for (const auto& q : body["recent"]) {
    if (!q.is_string()) throw ApiError::bad_request("recent は質問の配列です", "recent");
    auto t = clean_message_text(q.get<std::string>());
    if (t && t->size() <= 800) out.push_back(*t);
  }
  if (out.size() > kMaxRecentQuestions) out.erase(out.begin(), out.end() - kMaxRecentQuestions);
  return out;
}

// {"question_id", "token"} of the last FAQ answer the resident saw (faq/ask's reply). A
// reference that is not theirs, too old or of no entry links nothing; a malformed one is 400.
std::optional<AnswerRef> answer_from(const Json& body) {
  if (!body.contains("answer") || body["answer"].is_null()) return std::nullopt;
  const Json& a = body["answer"];
  if (!a.is_object() || !a.contains("question_id") || !a["question_id"].is_number_integer() ||
      a["question_id"].get<int64_t>() <= 0 || !a.contains("token") || !a["token"].is_string() ||
      a["token"].get_ref<const std::string&>().size() > 64)
    throw ApiError::bad_request("answer は {question_id, token} です", "answer");
  return AnswerRef{a["question_id"].get<int64_t>(), a["token"].get<std::string>()};
}

}  // namespace

void mount(http::Router& router, auth::AuthService& auth, store::Db& db, RouteDeps deps) {
  auto shared = std::make_shared<RouteDeps>(std::move(deps));

  // The queue: ?status=waiting (default) | mine | closed.
  router.get("/api/handoff/conversations", [&](http::Request& req) {
    auto who = auth.require(req);
    std::string status = req.query_or("status", "waiting");
    if (status != "waiting" && status != "mine" && status != "closed")
      throw ApiError::bad_request("status は waiting, mine, closed のどれかです", "status");
    auto list = db.read([&](store::Tx& tx) {
      return list_conversations(tx, who.tenant_id, {status == "mine" ? "open" : status}, 200);
    });
    Json items = Json::array();
    for (const auto& c : list) {
      if (!visible(who, c)) continue;
      if (status == "mine" && c.assignee_id != who.staff_id) continue;
      items.push_back(conversation_json(c));
    }
    return http::Response::json({{"items", items}});
  });

  // Hand-offs started per day (the KPI report's 有人対応 column).
  router.get("/api/handoff/stats", [&](http::Request& req) {
    auto who = auth.require(req);
    int days = 30;
    try {
      days = std::clamp(std::stoi(req.query_or("days", "30")), 1, 366);
    } catch (...) {
      throw ApiError::bad_request("days は 1〜366 です", "days");
    }
    int64_t from = clock::now_ms() - int64_t{days} * 86400000;
    auto rows = db.read([&](store::Tx& tx) { return started_per_day(tx, who.tenant_id, from); });
    Json out = Json::array();
    int64_t total = 0;
    for (const auto& [day, n] : rows) {
      out.push_back({{"date", day}, {"handed_off", n}});
      total += n;
    }
    return http::Response::json({{"days", out}, {"total", total}});
  });

  router.get("/api/handoff/hours", [&](http::Request& req) {
    auto who = auth.require(req);
    auto h = db.read([&](store::Tx& tx) { return load_hours_or_default(tx, who.tenant_id); });
    Json out = hours_json(h);
    out["staffed_now"] = staffed_at(h, clock::now_ms());
    return http::Response::json(out);
  });

  router.put("/api/handoff/hours", [&](http::Request& req) {
    auto who = auth.require(req, Role::admin);
    Hours h = parse_hours(req.json_body());
    db.write([&](store::Tx& tx) {
      save_hours(tx, who.tenant_id, {reservations::to_json(h.weekly).dump(), h.closed_on_holidays},
                 clock::now_ms());
      auth::audit(tx, who, "handoff.hours", "handoff_hours", "");
    });
    return http::Response::json(hours_json(h));
  });

  // Staff's live stream: an event whenever the tenant's conversations change; the console
  // then reloads what it shows. Polls once a tick (other processes' changes), woken at once
  // by changes in this process. The session is checked again every 30 seconds.
  router.get("/api/handoff/events", [&](http::Request& req) {
    auto who = auth.require(req);
    struct State {
      bool once = false;  // ?once=1: the current state, then the stream ends (scripts, tests)
      int64_t stamp = -1;
      std::chrono::steady_clock::time_point checked = std::chrono::steady_clock::now();
    };
    auto state = std::make_shared<State>();
    state->once = req.query_or("once") == "1";
    auto copy = std::make_shared<http::Request>(req);
    return http::sse_response(
        tenant_topic(who.tenant_id),
        [&auth, &db, state, copy, tenant = who.tenant_id](std::string& out) {
          try {
            auto now = std::chrono::steady_clock::now();
            if (now - state->checked > std::chrono::seconds(30)) {
              auth.require(*copy);
              state->checked = now;
            }
            int64_t stamp = db.read([&](store::Tx& tx) { return last_change(tx, tenant); });
            if (stamp != state->stamp) {
              out += http::sse_event(state->stamp < 0 ? "ready" : "changed", {{"stamp", stamp}});
              state->stamp = stamp;
            }
            return !state->once;
          } catch (const std::exception&) {
            return false;  // session gone or database trouble: the browser reconnects
          }
        });
  });

  router.get("/api/handoff/conversations/{id}", [&](http::Request& req) {
    auto who = auth.require(req);
    int64_t id = id_param(req);
    return db.read([&](store::Tx& tx) {
      auto c = get_conversation(tx, who.tenant_id, id);
      if (!c || !visible(who, *c)) throw ApiError::not_found();
      Json out = conversation_json(*c);
      out["messages"] = messages_json(messages_after(tx, who.tenant_id, id, 0, 1000));
      return http::Response::json(out);
    });
  });

  router.post("/api/handoff/conversations/{id}/messages", [&, shared](http::Request& req) {
    auto who = auth.require(req, Role::operator_);
    int64_t id = id_param(req);
    std::string text = parse_message_body(req.json_body());
    bool line = false;
    auto m = db.write([&](store::Tx& tx) {
      auto c = get_conversation(tx, who.tenant_id, id);
      if (!c || !visible(who, *c)) throw ApiError::not_found();
      if (c->status == "closed") throw ApiError::conflict("この会話は終了しています");
      int64_t now = clock::now_ms();
      if (c->status == "waiting" || !c->assignee_id)
        set_status(tx, who.tenant_id, id, "open", who.staff_id, now);
      auto msg = add_message(tx, *c, "staff", who.staff_id, text, now);
      if (c->channel == "line") {
        line = shared->messengers &&
               shared->messengers->send(tx, who.tenant_id, c->resident_id,
                                        {"handoff", "職員からの返信", "【職員より】\n" + text, "",
                                         std::nullopt, "", ""});
      }
      auth::audit(tx, who, "handoff.reply", "handoff_conversation", std::to_string(id));
      return msg;
    });
    http::notify_events(tenant_topic(who.tenant_id));
    http::notify_events(conversation_topic(who.tenant_id, id));
    if (line && shared->wake_line) shared->wake_line();
    return http::Response::json(message_json(m), 201);
  });

  router.post("/api/handoff/conversations/{id}/close", [&, shared](http::Request& req) {
    auto who = auth.require(req, Role::operator_);
    int64_t id = id_param(req);
    bool line = false;
    db.write([&](store::Tx& tx) {
      auto c = get_conversation(tx, who.tenant_id, id);
      if (!c || !visible(who, *c)) throw ApiError::not_found();
      if (c->status == "closed") throw ApiError::conflict("この会話は終了しています");
      auto m = close(tx, *c, who.staff_id, clock::now_ms());
      // Back with the bot: the failure count starts again.
      save_memory(tx, who.tenant_id, c->resident_id, {}, clock::now_ms());
      if (c->channel == "line")
        line = shared->messengers &&
               shared->messengers->send(tx, who.tenant_id, c->resident_id,
                                        {"handoff", "", m.text, "", std::nullopt, "", ""});
      auth::audit(tx, who, "handoff.close", "handoff_conversation", std::to_string(id));
    });
    http::notify_events(tenant_topic(who.tenant_id));
    http::notify_events(conversation_topic(who.tenant_id, id));
    if (line && shared->wake_line) shared->wake_line();
    return http::Response::json({{"closed", true}});
  });

  auto tenant_of = [&auth](const http::Request& req) {
    auto t = auth.tenant_by_code(req.params.at("tenant"));
    if (!t) throw ApiError::not_found("自治体が見つかりません");
    return t->id;
  };

  // The departments a resident may choose from.
  router.get("/api/public/{tenant}/handoff/departments", [&, tenant_of](http::Request& req) {
    int64_t t = tenant_of(req);
    auto ds = db.read([&](store::Tx& tx) { return auth::sql::known_departments(tx, t); });
    return http::Response::json({{"departments", ds}});
  });

  // {"department"?: one of the above, "recent"?: the FAQ questions just asked, "answer"?: the
  // last FAQ answer shown, {question_id, token}}.
  router.post("/api/public/{tenant}/handoff", [&, tenant_of, shared](http::Request& req) {
    require_json(req);
    int64_t t = tenant_of(req);
    Json body = req.json_body();
    if (!body.is_object()) throw ApiError::bad_request("JSON のオブジェクトを送ってください");
    std::string department;
    if (body.contains("department") && !body["department"].is_null()) {
      if (!body["department"].is_string() ||
          body["department"].get_ref<const std::string&>().size() > kMaxDepartmentChars * 4)
        throw ApiError::bad_request("department は部署名です", "department");
      department = body["department"].get<std::string>();
    }
    auto recent = recent_from(body);
    auto answer = answer_from(body);
    if (!department.empty()) {
      auto ds = db.read([&](store::Tx& tx) { return auth::sql::known_departments(tx, t); });
      if (std::find(ds.begin(), ds.end(), department) == ds.end())
        throw ApiError::bad_request("その部署は選べません", "department");
    }
    auto who = shared->resident_of(req, true);
    auto s = db.write([&](store::Tx& tx) {
      return start(tx, t, who.resident_id, "web", department, recent, answer, clock::now_ms());
    });
    http::notify_events(tenant_topic(t));
    Json out = {{"id", s.conversation.id},
                {"status", s.conversation.status},
                {"department", s.conversation.department},
                {"created", s.created},
                {"messages", messages_json(s.messages)}};
    return with_cookie(http::Response::json(out, s.created ? 201 : 200), who);
  });

  // The resident's conversation: status and the messages after ?after=.
  router.get("/api/public/{tenant}/handoff/{id}", [&, tenant_of, shared](http::Request& req) {
    int64_t t = tenant_of(req);
    int64_t id = id_param(req);
    auto who = shared->resident_of(req, false);
    return db.read([&](store::Tx& tx) {
      auto c = get_conversation(tx, t, id);
      if (!c || !who.resident_id || c->resident_id != who.resident_id) throw ApiError::not_found();
      return with_cookie(
          http::Response::json(
              {{"id", c->id},
               {"status", c->status},
               {"department", c->department},
               {"messages", messages_json(messages_after(tx, t, id, after_param(req), 500))}}),
          who);
    });
  });

  router.post("/api/public/{tenant}/handoff/{id}/messages",
              [&, tenant_of, shared](http::Request& req) {
                require_json(req);
                int64_t t = tenant_of(req);
                int64_t id = id_param(req);
                std::string text = parse_message_body(req.json_body());
                auto who = shared->resident_of(req, false);
                auto m = db.write([&](store::Tx& tx) {
                  auto c = get_conversation(tx, t, id);
                  if (!c || !who.resident_id || c->resident_id != who.resident_id)
                    throw ApiError::not_found();
                  if (c->status == "closed") throw ApiError::conflict("この会話は終了しています");
                  return add_message(tx, *c, "resident", std::nullopt, text, clock::now_ms());
                });
                http::notify_events(tenant_topic(t));
                http::notify_events(conversation_topic(t, id));
                return with_cookie(http::Response::json(message_json(m), 201), who);
              });

  // The resident's live stream: "message" events (id = message id, so a reconnecting
  // browser resumes after the last one it saw) and "status" when the conversation changes.
  router.get(
      "/api/public/{tenant}/handoff/{id}/events", [&, tenant_of, shared](http::Request& req) {
        int64_t t = tenant_of(req);
        int64_t id = id_param(req);
        auto who = shared->resident_of(req, false);
        auto c = db.read([&](store::Tx& tx) { return get_conversation(tx, t, id); });
        if (!c || !who.resident_id || c->resident_id != who.resident_id)
          throw ApiError::not_found();
        struct State {
          bool once = false;  // ?once=1: what is there now, then the stream ends
          int64_t after = 0;
          std::string status;
        };
        auto state = std::make_shared<State>();
        state->after = after_param(req);
        state->once = req.query_or("once") == "1";
        return http::sse_response(conversation_topic(t, id), [&db, state, t, id](std::string& out) {
          try {
            return db.read([&](store::Tx& tx) {
              for (const auto& m : messages_after(tx, t, id, state->after, 100)) {
                out += "id: " + std::to_string(m.id) + "\n";
                out += http::sse_event("message", message_json(m));
                state->after = m.id;
              }
              auto conv = get_conversation(tx, t, id);
              if (!conv) return false;
              if (conv->status != state->status) {
                out += http::sse_event("status", {{"status", conv->status}});
                state->status = conv->status;
              }
              return !state->once;
            });
          } catch (const std::exception&) {
            return false;
          }
        });
      });
}

}  // namespace mg::handoff
