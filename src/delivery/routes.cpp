#include "delivery/routes.h"

#include "channels/line/line_limits.h"
#include "channels/line/text_units.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/log.h"
#include "delivery/campaigns.h"
#include "delivery/click_tracking.h"
#include "delivery/fanout.h"
#include "delivery/retention.h"
#include "delivery/schedule.h"
#include "delivery/schedule_routes.h"
#include "delivery/variables.h"
#include "residents/condition.h"

namespace mg::delivery {

namespace {

constexpr size_t kMaxTitleUnits = 100;
constexpr size_t kMaxResidentIds = 5000;

// A member or null: operator[] on a const object with a missing key is undefined behaviour.
const Json& member(const Json& o, const char* key) {
  static const Json null;
  if (!o.is_object()) return null;
  auto it = o.find(key);
  return it == o.end() ? null : *it;
}

std::string string_member(const Json& o, const char* key) {
  const Json& v = member(o, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

int64_t id_param(const http::Request& req) {
  auto it = req.params.find("id");
  if (it == req.params.end() || it->second.empty() || it->second.size() > 18 ||
      it->second.find_first_not_of("0123456789") != std::string::npos)
    throw ApiError::not_found("配信が見つかりません");
  return std::stoll(it->second);
}

// https only, so a resident's phone never fetches or opens anything in the clear.
std::string https_url(const Json& v, const std::string& field, size_t max_chars) {
  if (!v.is_string() || v.get_ref<const std::string&>().rfind("https://", 0) != 0 ||
      v.get_ref<const std::string&>().size() <= 8)
    throw ApiError::bad_request("https:// で始まるアドレスを入力してください", field);
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() > max_chars || s.find_first_of(" \t\r\n\"<>") != std::string::npos)
    throw ApiError::bad_request("アドレスが長すぎるか、使えない文字を含んでいます", field);
  return s;
}

std::string bounded_text(const Json& v, const std::string& field, size_t max_units, bool required,
                         const std::string& what) {
  if (v.is_null() && !required) return {};
  if (!v.is_string() || (required && v.get_ref<const std::string&>().empty()))
    throw ApiError::bad_request(what + "を入力してください", field);
  const auto& s = v.get_ref<const std::string&>();
  if (line::utf16_length(s) > max_units)
    throw ApiError::bad_request(what + "は" + std::to_string(max_units) + "文字以内にしてください",
                                field);
  return s;
}

// A text, an image, or a card (LINE's buttons template with one link), in LINE's own form.
Json validated_message(const Json& m, const std::string& field) {
  std::string type = string_member(m, "type");
  if (!m.is_object() || (type != "text" && type != "image" && type != "template"))
    throw ApiError::bad_request("メッセージの種類は text・image・template（カード）のどれかです",
                                field + ".type");
  if (type == "text")
    return Json{{"type", "text"},
                {"text", bounded_text(member(m, "text"), field + ".text", line::kMaxTextUnits, true,
                                      "メッセージの本文")}};
  if (type == "image") {
    std::string original =
        https_url(member(m, "originalContentUrl"), field + ".originalContentUrl", 2000);
    std::string preview =
        member(m, "previewImageUrl").is_null()
            ? original
            : https_url(member(m, "previewImageUrl"), field + ".previewImageUrl", 2000);
    return Json{{"type", "image"}, {"originalContentUrl", original}, {"previewImageUrl", preview}};
  }
  const Json& t = member(m, "template");
  const Json& actions = member(t, "actions");
  if (string_member(t, "type") != "buttons" || !actions.is_array() || actions.size() != 1 ||
      string_member(actions[0], "type") != "uri")
    throw ApiError::bad_request("カードはリンクを1つ持つ buttons テンプレートで指定してください",
                                field + ".template");
  std::string f = field + ".template";
  Json card{{"type", "buttons"}};
  std::string title = bounded_text(member(t, "title"), f + ".title", 40, false, "カードの見出し");
  if (!title.empty()) card["title"] = title;
  if (!member(t, "thumbnailImageUrl").is_null())
    card["thumbnailImageUrl"] =
        https_url(member(t, "thumbnailImageUrl"), f + ".thumbnailImageUrl", 2000);
  bool header = card.contains("title") || card.contains("thumbnailImageUrl");
  card["text"] =
      bounded_text(member(t, "text"), f + ".text", header ? 60 : 160, true, "カードの本文");
  card["actions"] = Json::array(
      {Json{{"type", "uri"},
            {"label", bounded_text(member(actions[0], "label"), f + ".actions[0].label",
                                   line::kMaxActionLabelUnits, true, "リンクの表示名")},
            {"uri", https_url(member(actions[0], "uri"), f + ".actions[0].uri", 1000)}}});
  std::string alt =
      bounded_text(member(m, "altText"), field + ".altText", 400, false, "通知に出る文");
  return Json{
      {"type", "template"},
      {"altText", alt.empty() ? line::prefix_utf16(card["text"].get<std::string>(), 400) : alt},
      {"template", card}};
}

Json validated_messages(const Json& v) {
  if (!v.is_array() || v.empty())
    throw ApiError::bad_request("メッセージを1件以上指定してください", "messages");
  if (v.size() > line::kMaxMessagesPerRequest)
    throw ApiError::bad_request("メッセージは5件までです", "messages");
  Json out = Json::array();
  for (size_t i = 0; i < v.size(); ++i)
    out.push_back(validated_message(v[i], "messages[" + std::to_string(i) + "]"));
  return out;
}

Json validated_audience(const Json& v) {
  if (!v.is_object()) throw ApiError::bad_request("配信先を指定してください", "audience");
  std::string kind = string_member(v, "kind");
  if (kind == "all") return Json{{"kind", "all"}};
  if (kind == "residents") {
    const Json& ids = member(v, "resident_ids");
    if (!ids.is_array() || ids.empty())
      throw ApiError::bad_request("配信先の住民を1人以上指定してください", "audience.resident_ids");
    if (ids.size() > kMaxResidentIds)
      throw ApiError::bad_request("配信先の住民は5000人までです", "audience.resident_ids");
    Json out = Json::array();
    for (const auto& id : ids) {
      if (!id.is_number_integer() || id.get<int64_t>() <= 0)
        throw ApiError::bad_request("住民 ID は正の整数で指定してください",
                                    "audience.resident_ids");
      out.push_back(id.get<int64_t>());
    }
    return Json{{"kind", "residents"}, {"resident_ids", out}};
  }
  if (kind == "condition") {
    // Checked against the tenant's attribute definitions when the campaign is created.
    const Json& c = member(v, "condition");
    if (!c.is_object())
      throw ApiError::bad_request("配信先の条件を指定してください", "audience.condition");
    return Json{{"kind", "condition"}, {"condition", c}};
  }
  throw ApiError::bad_request("配信先の種類は all・residents・condition のどれかを指定してください",
                              "audience.kind");
}

}  // namespace

Json validated_campaign(const Json& body) {
  if (!body.is_object()) throw ApiError::bad_request("JSON オブジェクトを送ってください");
  const Json& t = member(body, "title");
  if (!t.is_string()) throw ApiError::bad_request("件名を入力してください", "title");
  std::string title = t.get<std::string>();
  while (!title.empty() && (title.back() == ' ' || title.back() == '\n')) title.pop_back();
  if (title.empty()) throw ApiError::bad_request("件名を入力してください", "title");
  if (line::utf16_length(title) > kMaxTitleUnits)
    throw ApiError::bad_request("件名は100文字以内にしてください", "title");
  const Json& track = member(body, "track_clicks");
  if (!track.is_null() && !track.is_boolean())
    throw ApiError::bad_request("track_clicks は true か false で指定してください", "track_clicks");
  return Json{{"title", title},
              {"messages", validated_messages(member(body, "messages"))},
              {"audience", validated_audience(member(body, "audience"))},
              {"track_clicks", track.is_boolean() && track.get<bool>()}};
}

void register_routes(http::Router& router, auth::AuthService& auth, store::Db& db,
                     jobs::Runner& runner) {
  router.get("/api/campaigns", [&auth, &db](http::Request& req) {
    auto who = auth.require(req, auth::Role::viewer);
    int64_t before = 0;
    auto b = req.query_or("before");
    if (!b.empty() && b.size() <= 18 && b.find_first_not_of("0123456789") == std::string::npos)
      before = std::stoll(b);
    auto items = db.read([&](store::Tx& tx) { return list(tx, who.tenant_id, before, 50); });
    Json out = Json::array();
    for (const auto& c : items) out.push_back(to_json(c));
    return http::Response::json({{"items", out}});
  });
  router.post("/api/campaigns", [&auth, &db](http::Request& req) {
    auto who = auth.require(req, auth::Role::operator_);
    Json v = validated_campaign(req.json_body());
    auto created = db.write([&](store::Tx& tx) {
      Campaign c;
      c.tenant_id = who.tenant_id;
      c.title = v["title"];
      c.messages = v["messages"];
      c.audience = v["audience"];
      audience_filter(tx, who.tenant_id, c.audience);  // 400 for a condition that does not fit
      check_variables(c.messages, residents::load_definitions(tx, who.tenant_id));
      c.created_by = who.staff_id;
      int64_t id = create(tx, c);
      if (v["track_clicks"].get<bool>()) track_links(tx, who.tenant_id, id, c.messages);
      auth::audit(tx, who, "campaign.create", "campaign", std::to_string(id),
                  {{"track_clicks", v["track_clicks"]}});
      return *find(tx, who.tenant_id, id);
    });
    return http::Response::json(to_json(created), 201);
  });
  router.get("/api/campaigns/{id}", [&auth, &db](http::Request& req) {
    auto who = auth.require(req, auth::Role::viewer);
    int64_t id = id_param(req);
    auto c = db.read([&](store::Tx& tx) { return find(tx, who.tenant_id, id); });
    if (!c) throw ApiError::not_found("配信が見つかりません");
    return http::Response::json(to_json(*c));
  });
  router.post("/api/campaigns/{id}/send", [&auth, &db, &runner](http::Request& req) {
    auto who = auth.require(req, auth::Role::admin);
    int64_t id = id_param(req);
    auto c = db.write([&](store::Tx& tx) {
      // Queued now, scheduled (timing), or 承認待ち when the tenant requires approval.
      request_send(tx, who, id, clock::now_ms());
      return *find(tx, who.tenant_id, id);
    });
    runner.wake();
    return http::Response::json(to_json(c), 202);
  });
  router.post("/api/campaigns/{id}/cancel", [&auth, &db](http::Request& req) {
    auto who = auth.require(req, auth::Role::operator_);
    int64_t id = id_param(req);
    auto c = db.write([&](store::Tx& tx) {
      auto found = find(tx, who.tenant_id, id);
      if (!found) throw ApiError::not_found("配信が見つかりません");
      if (!cancel(tx, who.tenant_id, id))
        throw ApiError::conflict("この配信は送信済みか取り消されています");
      auth::audit(tx, who, "campaign.cancel", "campaign", std::to_string(id));
      return *find(tx, who.tenant_id, id);
    });
    return http::Response::json(to_json(c));
  });
  register_schedule_routes(router, auth, db);
  register_click_routes(router, auth, db);
}

void register_jobs(jobs::Runner& runner, store::Db& db, int64_t retention_ms,
                   std::function<void()> wake_sender) {
  runner.handle("campaign.fanout", [&db, wake = std::move(wake_sender)](const jobs::Job& job) {
    if (!job.tenant_id || !job.payload.contains("campaign_id"))
      throw jobs::PermanentFailure("campaign.fanout: bad payload");
    run_fanout(db, *job.tenant_id, job.payload["campaign_id"].get<int64_t>(), wake);
  });
  runner.handle("delivery.retention", [&db, retention_ms](const jobs::Job&) {
    purge_delivered(db, clock::now_ms(), retention_ms);
  });
  if (int n = resume_fanouts(db)) log::info("campaign fan-outs resumed", {{"count", n}});
  runner.every("delivery.retention", "delivery.retention", Json::object(), 6 * 3600 * 1000);
  register_schedule_jobs(runner, db);
}

}  // namespace mg::delivery
