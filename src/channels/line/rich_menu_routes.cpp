#include "channels/line/rich_menu_routes.h"

#include <algorithm>
#include <mutex>

#include "channels/line/rich_menu_audience.h"
#include "channels/line/rich_menu_line.h"
#include "channels/line/rich_menu_store.h"
#include "channels/line/rich_menu_validation.h"
#include "channels/line/text_units.h"
#include "core/crypto.h"
#include "core/errors.h"
#include "core/json_parse.h"

namespace mg::line {

namespace {

// Admin actions on rich menus run one at a time per process: two concurrent "set default"
// calls must not both create the LINE menu or upload its image.
std::mutex& rich_menu_mutex() {
  static std::mutex m;
  return m;
}

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

std::vector<std::string> user_ids(const std::vector<LineRecipient>& who) {
  std::vector<std::string> ids;
  for (const auto& w : who) ids.push_back(w.user_id);
  return ids;
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
  auto state = db.read([&](store::Tx& tx) { return load_rich_menu_state(tx, who.tenant_id); });
  // Setting another default now would silently end the disaster menu for everyone.
  if (state.switched_all)
    throw ApiError::conflict("switch-all 中です。先に switch-all で元のメニューに戻してください");
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

http::Response link_menu(http::Request& req, auth::AuthService& auth, store::Db& db) {
  auto who = auth.require(req, auth::Role::admin);
  std::string name = menu_name(req);
  Json body = req.json_body();
  bool by_ids = body.contains("resident_ids"), by_segment = body.contains("segment");
  if (by_ids == by_segment)
    throw ApiError::bad_request("resident_ids か segment のどちらか一方を指定してください",
                                "resident_ids");
  std::string segment;
  if (by_segment) {
    if (body["segment"] != "resident" && body["segment"] != "non_resident")
      throw ApiError::bad_request("segment は resident か non_resident にしてください", "segment");
    segment = body["segment"];
  } else if (!body["resident_ids"].is_array() || body["resident_ids"].empty() ||
             body["resident_ids"].size() > 10000) {
    throw ApiError::bad_request("resident_ids は 1〜10000 件の配列にしてください", "resident_ids");
  }
  std::lock_guard lock(rich_menu_mutex());
  StoredRichMenu m = require_menu(db, who.tenant_id, name);
  auto read = db.read([&](store::Tx& tx) {
    auto t = by_segment ? residents_in_segment(tx, who.tenant_id, segment)
                        : residents_by_id(tx, who.tenant_id, body["resident_ids"]);
    return std::make_pair(t, load_rich_menu_state(tx, who.tenant_id));
  });
  auto& targets = read.first;  // not a structured binding: clang 14 cannot capture one
  auto& state = read.second;
  // During switch-all, per-user links would hide the disaster menu: remember them only; the
  // restore applies them.
  bool deferred = state.switched_all;
  if (!deferred && !targets.empty()) {
    auto line = RichMenuLine::for_tenant(db, who.tenant_id);
    line.bulk_link(user_ids(targets), line.ensure(db, m));
  }
  db.write([&](store::Tx& tx) {
    remember_links(tx, targets, name);
    auth::audit(tx, who, "line.rich_menu.link", "line_rich_menu", name,
                {{"segment", segment}, {"count", targets.size()}, {"deferred", deferred}});
  });
  return http::Response::json({{"name", name}, {"linked", targets.size()}, {"deferred", deferred}});
}

// Back from switch-all: the remembered default, then the remembered per-user links.
http::Response restore(const auth::Principal& who, store::Db& db, RichMenuState state) {
  auto line = RichMenuLine::for_tenant(db, who.tenant_id);
  if (state.previous_default.empty()) {
    line.clear_default();
  } else {
    StoredRichMenu m = require_menu(db, who.tenant_id, state.previous_default);
    line.set_default(line.ensure(db, m));
  }
  auto links = db.read([&](store::Tx& tx) { return remembered_links(tx, who.tenant_id); });
  size_t relinked = 0;
  for (const auto& [menu, targets] : links) {
    auto m = db.read(
        [&, &menu = menu](store::Tx& tx) { return find_rich_menu(tx, who.tenant_id, menu); });
    if (!m) continue;  // the menu was removed from configuration
    line.bulk_link(user_ids(targets), line.ensure(db, *m));
    relinked += targets.size();
  }
  std::string from = state.default_name;
  state = db.write([&](store::Tx& tx) {
    auto s = load_rich_menu_state(tx, who.tenant_id);
    s.default_name = s.previous_default;
    s.previous_default.clear();
    s.switched_all = false;
    save_rich_menu_state(tx, who.tenant_id, s);
    auth::audit(tx, who, "line.rich_menu.restore", "line_rich_menu", s.default_name,
                {{"from", from}, {"relinked", relinked}});
    return s;
  });
  Json out = state.to_json();
  out["relinked"] = relinked;
  return http::Response::json(out);
}

http::Response switch_all(http::Request& req, auth::AuthService& auth, store::Db& db) {
  auto who = auth.require(req, auth::Role::admin);
  Json body = req.json_body();
  std::lock_guard lock(rich_menu_mutex());
  auto state = db.read([&](store::Tx& tx) { return load_rich_menu_state(tx, who.tenant_id); });
  bool restore_wanted = body.value("restore", false);
  if (!restore_wanted && (!body.contains("name") || !body["name"].is_string()))
    throw ApiError::bad_request("name（または restore: true）を指定してください", "name");
  std::string name = restore_wanted ? state.previous_default : body["name"].get<std::string>();
  if (restore_wanted && !state.switched_all)
    throw ApiError::conflict("switch-all 中ではありません", "restore");
  if (state.switched_all && name == state.previous_default) return restore(who, db, state);

  StoredRichMenu m = require_menu(db, who.tenant_id, name);
  auto line = RichMenuLine::for_tenant(db, who.tenant_id);
  line.set_default(line.ensure(db, m));
  // Per-user menus win over the default, so everyone is unlinked for the switch to show.
  auto everyone = db.read([&](store::Tx& tx) { return all_line_residents(tx, who.tenant_id); });
  line.bulk_unlink(user_ids(everyone));
  state = db.write([&](store::Tx& tx) {
    auto s = load_rich_menu_state(tx, who.tenant_id);
    // Switching from one emergency menu to another keeps the original menu to restore.
    if (!s.switched_all) s.previous_default = s.default_name;
    s.switched_all = true;
    s.default_name = name;
    save_rich_menu_state(tx, who.tenant_id, s);
    auth::audit(tx, who, "line.rich_menu.switch_all", "line_rich_menu", name,
                {{"previous_default", s.previous_default}, {"unlinked", everyone.size()}});
    return s;
  });
  Json out = state.to_json();
  out["unlinked"] = everyone.size();
  return http::Response::json(out);
}

}  // namespace

void register_rich_menu_routes(http::Router& router, auth::AuthService& auth, store::Db& db) {
  router.get("/api/line/rich-menus",
             [&auth, &db](http::Request& req) { return list_menus(req, auth, db); });
  router.post("/api/line/rich-menus/switch-all",
              [&auth, &db](http::Request& req) { return switch_all(req, auth, db); });
  router.put("/api/line/rich-menus/{name}",
             [&auth, &db](http::Request& req) { return put_menu(req, auth, db); });
  router.post("/api/line/rich-menus/{name}/default",
              [&auth, &db](http::Request& req) { return set_default(req, auth, db); });
  router.post("/api/line/rich-menus/{name}/link",
              [&auth, &db](http::Request& req) { return link_menu(req, auth, db); });
}

}  // namespace mg::line
