#include "channels/line/rich_menu_routes.h"

#include <algorithm>
#include <mutex>

#include "channels/line/rich_menu_audience.h"
#include "channels/line/rich_menu_jobs.h"
#include "channels/line/rich_menu_line.h"
#include "channels/line/rich_menu_store.h"
#include "channels/line/rich_menu_validation.h"
#include "channels/line/text_units.h"
#include "core/crypto.h"
#include "core/errors.h"
#include "core/json_parse.h"

namespace mg::line {

namespace {

Json menu_json(const StoredRichMenu& m, const RichMenuState& state) {
  return Json{
      {"name", m.name},
      {"menu", m.menu},
      {"image",
       {{"content_type", m.image_content_type()},
        {"sha256", m.image_sha256},
        {"generated", m.custom_image.empty()},
        {"color", m.color}}},
      {"line", {{"rich_menu_id", m.line_rich_menu_id}, {"image_uploaded", m.image_uploaded()}}},
      {"is_default", state.default_name == m.name}};
}

std::string menu_name(const http::Request& req) {
  std::string name = req.params.at("name");
  if (name.empty() || utf16_length(name) > 64 || name.find('/') != std::string::npos)
    throw ApiError::bad_request("name は 1〜64 文字にしてください", "name");
  return name;
}

StoredRichMenu require_menu(store::Db& db, int64_t tenant_id, const std::string& name) {
  auto m = db.read([&](store::Tx& tx) { return find_rich_menu(tx, tenant_id, name); });
  if (!m) throw ApiError::not_found("リッチメニュー「" + name + "」はありません");
  return *m;
}

// Enqueues the tenant's rich-menu job with the audit entry in one transaction, then wakes the
// workers; the answer tells the console where to poll.
Json enqueue_job(store::Db& db, jobs::Runner& runner, const auth::Principal& who,
                 const Json& payload, const std::string& audit_action, const std::string& object_id,
                 Json audit_detail) {
  int64_t id = db.write([&](store::Tx& tx) {
    jobs::EnqueueOptions o;
    o.tenant_id = who.tenant_id;
    o.queue_key = rich_menu_queue_key(who.tenant_id);
    int64_t job = jobs::enqueue(tx, kRichMenuJob, payload, o);
    audit_detail["job_id"] = job;
    auth::audit(tx, who, audit_action, "line_rich_menu", object_id, audit_detail);
    return job;
  });
  runner.wake();
  return {{"id", id},
          {"status", "pending"},
          {"url", "/api/line/rich-menus/jobs/" + std::to_string(id)}};
}

std::string decode_image(const Json& body) {
  const Json& v = body["image_base64"];
  if (!v.is_string())
    throw ApiError::bad_request("image_base64 は文字列で指定してください", "image_base64");
  std::string b64 = v.get<std::string>();
  // Accept pasted base64 with line breaks and a data: URL prefix.
  if (auto comma = b64.find(','); b64.rfind("data:", 0) == 0 && comma != std::string::npos)
    b64 = b64.substr(comma + 1);
  std::erase_if(b64, [](char c) { return c == '\n' || c == '\r' || c == ' ' || c == '\t'; });
  std::string bytes = crypto::base64_decode(b64);
  if (bytes.empty())
    throw ApiError::bad_request("image_base64 を base64 として読めません", "image_base64");
  return bytes;
}

http::Response put_menu(http::Request& req, auth::AuthService& auth, store::Db& db) {
  auto who = auth.require(req, auth::Role::admin);
  std::string name = menu_name(req);
  Json body = http::json_body(req, kRichMenuLimits);
  Json menu = body.contains("menu") ? body["menu"] : Json(nullptr);
  auto problems = validate_rich_menu(menu);
  std::string color = kDefaultMenuColor;
  if (body.contains("image_color")) {
    if (!body["image_color"].is_string() || !parse_rgb(body["image_color"].get<std::string>()))
      problems.push_back({"image_color", "#RRGGBB で指定してください"});
    else
      color = body["image_color"];
  }
  std::string image;
  if (body.contains("image_base64") && !body["image_base64"].is_null()) {
    image = decode_image(body);
    if (problems.empty()) {
      auto img = validate_rich_menu_image(image, menu["size"]["width"], menu["size"]["height"]);
      problems.insert(problems.end(), img.begin(), img.end());
    }
  }
  throw_if_invalid(problems);

  // Image generation runs here, before the write transaction: the writer lock is shared by
  // every tenant and must never wait on it.
  std::string image_sha256 = rich_menu_image_sha256(menu, image, color);
  std::lock_guard lock(rich_menu_mutex());
  auto [saved, state] = db.write([&](store::Tx& tx) {
    auto res = put_rich_menu(tx, who.tenant_id, name, menu, image, color, image_sha256);
    auth::audit(tx, who, "line.rich_menu.put", "line_rich_menu", name,
                {{"created", res.created},
                 {"image", image.empty() ? "generated" : "uploaded"},
                 {"image_sha256", res.menu.image_sha256},
                 {"replaced_on_line", res.replaced_on_line}});
    return std::make_pair(res, load_rich_menu_state(tx, who.tenant_id));
  });
  return http::Response::json(menu_json(saved.menu, state), saved.created ? 201 : 200);
}

http::Response list_menus(http::Request& req, auth::AuthService& auth, store::Db& db) {
  auto who = auth.require(req, auth::Role::admin);
  return db.read([&](store::Tx& tx) {
    auto state = load_rich_menu_state(tx, who.tenant_id);
    Json menus = Json::array();
    for (const auto& m : list_rich_menus(tx, who.tenant_id)) menus.push_back(menu_json(m, state));
    Json out = state.to_json();
    out["menus"] = menus;
    return http::Response::json(out);
  });
}

http::Response set_default(http::Request& req, auth::AuthService& auth, store::Db& db) {
  auto who = auth.require(req, auth::Role::admin);
  std::string name = menu_name(req);
  std::lock_guard lock(rich_menu_mutex());
  auto [state, busy] = db.read([&](store::Tx& tx) {
    return std::make_pair(
        load_rich_menu_state(tx, who.tenant_id),
        jobs::has_open_job(tx, who.tenant_id, rich_menu_queue_key(who.tenant_id)));
  });
  // Setting another default now would silently end the disaster menu for everyone.
  if (state.switched_all)
    throw ApiError::conflict("switch-all 中です。先に switch-all で元のメニューに戻してください");
  // A queued switch-all or link would undo or hide this default: let it finish first.
  if (busy)
    throw ApiError::conflict(
        "リッチメニューの一斉切り替えまたは割り当てを処理中です。完了してから設定してください");
  StoredRichMenu m = require_menu(db, who.tenant_id, name);
  auto line = RichMenuLine::for_tenant(db, who.tenant_id);
  std::string line_id = line.ensure(db, m);
  line.set_default(line_id);
  state = db.write([&](store::Tx& tx) {
    auto s = load_rich_menu_state(tx, who.tenant_id);
    std::string before = s.default_name;
    s.default_name = name;
    save_rich_menu_state(tx, who.tenant_id, s);
    auth::audit(tx, who, "line.rich_menu.default", "line_rich_menu", name,
                {{"line_rich_menu_id", line_id}, {"previous", before}});
    return s;
  });
  return http::Response::json(menu_json(m, state));
}

// Validates here (menu, residents, access token) so mistakes are 400/404/409 at once; the
// LINE calls run in the job (rich_menu_jobs.h). 202 with the job to poll.
http::Response link_menu(http::Request& req, auth::AuthService& auth, store::Db& db,
                         jobs::Runner& runner) {
  auto who = auth.require(req, auth::Role::admin);
  std::string name = menu_name(req);
  Json body = req.json_body();
  bool by_ids = body.contains("resident_ids"), by_segment = body.contains("segment"),
       by_condition = body.contains("condition");
  if (int{by_ids} + int{by_segment} + int{by_condition} != 1)
    throw ApiError::bad_request("resident_ids・segment・condition のどれか一つを指定してください",
                                "resident_ids");
  if (by_condition && !body["condition"].is_object())
    throw ApiError::bad_request("condition は条件のオブジェクトで指定してください", "condition");
  std::string segment;
  if (by_segment) {
    if (body["segment"] != "resident" && body["segment"] != "non_resident")
      throw ApiError::bad_request("segment は resident か non_resident にしてください", "segment");
    segment = body["segment"];
  } else if (by_ids && (!body["resident_ids"].is_array() || body["resident_ids"].empty() ||
                        body["resident_ids"].size() > 10000)) {
    throw ApiError::bad_request("resident_ids は 1〜10000 件の配列にしてください", "resident_ids");
  }
  std::lock_guard lock(rich_menu_mutex());
  require_menu(db, who.tenant_id, name);
  RichMenuLine::for_tenant(db, who.tenant_id);  // 409 now when no access token is set
  auto read = db.read([&](store::Tx& tx) {
    auto t = by_segment     ? residents_in_segment(tx, who.tenant_id, segment)
             : by_condition ? residents_matching(tx, who.tenant_id, body["condition"])
                            : residents_by_id(tx, who.tenant_id, body["resident_ids"]);
    return std::make_pair(t.size(), load_rich_menu_state(tx, who.tenant_id));
  });
  Json payload{{"action", "link"}, {"name", name}};
  if (by_segment)
    payload["segment"] = segment;
  else if (by_condition)
    payload["condition"] = body["condition"];
  else
    payload["resident_ids"] = body["resident_ids"];
  // During switch-all, the job only remembers the links; the restore applies them.
  bool deferred = read.second.switched_all;
  Json job = enqueue_job(db, runner, who, payload, "line.rich_menu.link", name,
                         {{"segment", segment}, {"count", read.first}, {"deferred", deferred}});
  return http::Response::json(
      {{"name", name}, {"targets", read.first}, {"deferred", deferred}, {"job", job}}, 202);
}

}  // namespace

Json switch_all_menus(store::Db& db, jobs::Runner& runner, const auth::Principal& who,
                      const Json& body) {
  std::lock_guard lock(rich_menu_mutex());
  auto state = db.read([&](store::Tx& tx) { return load_rich_menu_state(tx, who.tenant_id); });
  bool restore_wanted = body.value("restore", false);
  if (!restore_wanted && (!body.contains("name") || !body["name"].is_string()))
    throw ApiError::bad_request("name（または restore: true）を指定してください", "name");
  std::string name = restore_wanted ? state.previous_default : body["name"].get<std::string>();
  if (restore_wanted && !state.switched_all)
    throw ApiError::conflict("switch-all 中ではありません", "restore");
  bool restoring = state.switched_all && name == state.previous_default;
  if (!name.empty()) require_menu(db, who.tenant_id, name);
  RichMenuLine::for_tenant(db, who.tenant_id);  // 409 now when no access token is set
  Json job = restoring
                 ? enqueue_job(db, runner, who, {{"action", "restore"}}, "line.rich_menu.restore",
                               name, {{"from", state.default_name}})
                 : enqueue_job(db, runner, who, {{"action", "switch_all"}, {"name", name}},
                               "line.rich_menu.switch_all", name,
                               {{"previous_default", state.switched_all ? state.previous_default
                                                                        : state.default_name}});
  Json out = state.to_json();
  out["name"] = name;
  out["restore"] = restoring;
  out["job"] = job;
  return out;
}

namespace {

http::Response switch_all(http::Request& req, auth::AuthService& auth, store::Db& db,
                          jobs::Runner& runner) {
  auto who = auth.require(req, auth::Role::admin);
  return http::Response::json(switch_all_menus(db, runner, who, req.json_body()), 202);
}

// The console polls a rich-menu job it started; staff read the outcome in Japanese.
http::Response job_status(http::Request& req, auth::AuthService& auth, store::Db& db) {
  auto who = auth.require(req, auth::Role::admin);
  int64_t id = 0;
  try {
    size_t used = 0;
    const std::string& raw = req.params.at("id");
    id = std::stoll(raw, &used);
    if (used != raw.size()) id = 0;
  } catch (const std::exception&) {
    id = 0;
  }
  auto [job, state] = db.read([&](store::Tx& tx) {
    return std::make_pair(jobs::find_job(tx, who.tenant_id, id),
                          load_rich_menu_state(tx, who.tenant_id));
  });
  if (!job || job->kind != kRichMenuJob) throw ApiError::not_found("その処理は見つかりません");
  std::string message;
  if (job->status == "done")
    message = "LINE への反映が完了しました";
  else if (job->status == "dead")
    message = "LINE への反映に失敗しました: " + job->last_error;
  else if (job->attempts > 0 && !job->last_error.empty())
    message =
        "LINE への反映を再試行しています（" + std::to_string(job->attempts) + " 回目まで失敗）";
  else
    message = "LINE への反映を処理中です";
  Json out{{"id", job->id},
           {"status", job->status},
           {"attempts", job->attempts},
           {"last_error", job->last_error},
           {"created_at", job->created_at},
           {"finished_at", job->finished_at ? Json(*job->finished_at) : Json(nullptr)},
           {"message", message},
           {"state", state.to_json()}};
  return http::Response::json(out);
}

}  // namespace

void register_rich_menu_routes(http::Router& router, auth::AuthService& auth, store::Db& db,
                               jobs::Runner& runner) {
  runner.handle(kRichMenuJob, [&db](const jobs::Job& job) { run_rich_menu_job(db, job); });
  router.get("/api/line/rich-menus",
             [&auth, &db](http::Request& req) { return list_menus(req, auth, db); });
  router.post("/api/line/rich-menus/switch-all", [&auth, &db, &runner](http::Request& req) {
    return switch_all(req, auth, db, runner);
  });
  router.get("/api/line/rich-menus/jobs/{id}",
             [&auth, &db](http::Request& req) { return job_status(req, auth, db); });
  router.put("/api/line/rich-menus/{name}",
             [&auth, &db](http::Request& req) { return put_menu(req, auth, db); });
  router.post("/api/line/rich-menus/{name}/default",
              [&auth, &db](http::Request& req) { return set_default(req, auth, db); });
  router.post("/api/line/rich-menus/{name}/link", [&auth, &db, &runner](http::Request& req) {
    return link_menu(req, auth, db, runner);
  });
}

}  // namespace mg::line
