#include "channels/web/routes.h"

#include <memory>
#include <mutex>
#include <unordered_map>

#include "applications/attachments.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/errors.h"
#include "messaging/web_inbox.h"
#include "residents/directory.h"
#include "services/routes.h"

namespace mg::web {

namespace {
constexpr const char* kDeviceCookie = "mg_device";

struct Visitor {
  int64_t tenant_id = 0;
  int64_t resident_id = 0;
  std::optional<std::string> new_cookie;  // a token we just issued
  bool forget_cookie = false;             // the browser sent a token we never issued
};

int64_t tenant_of(auth::AuthService& auth, const http::Request& req) {
  auto t = auth.tenant_by_code(req.params.at("tenant"));
  if (!t) throw ApiError::not_found("自治体が見つかりません");
  return t->id;
}

// Municipality code -> id for the chat turn, the hot path, without a query each time. Only
// found codes are kept: a tenant's code and id never change and tenants are never deleted,
// and a tenant another process creates is looked up on its first miss.
class TenantIds {
 public:
  int64_t of(auth::AuthService& auth, const http::Request& req) {
    const std::string& code = req.params.at("tenant");
    {
      std::lock_guard lock(mu_);
      if (auto it = ids_.find(code); it != ids_.end()) return it->second;
    }
    int64_t id = tenant_of(auth, req);
    std::lock_guard lock(mu_);
    if (ids_.size() < 10000) ids_.emplace(code, id);
    return id;
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, int64_t> ids_;
};

// The hash a device cookie is stored under, or "" for a value that cannot be one we issued.
std::string device_ext(const http::Request& req);

// The device token is random and only its hash is stored, so a leaked database does not
// let anyone impersonate a browser. Only tokens we issued are identities: a value someone
// planted in a resident's browser (cookie fixation) is replaced by a fresh one, so whoever
// planted it never sees what the resident applies for. A token issued for one municipality
// is accepted by the others (the cookie's path is shared).
Visitor visitor(auth::AuthService& auth, store::Db& db, const http::Request& req, bool create) {
  Visitor v;
  bool unknown = req.cookie(kDeviceCookie).has_value() &&
                 !req.cookie(kDeviceCookie)->empty();  // a cookie we cannot find is forgotten
  std::string ext = device_ext(req);
  if (!create && !ext.empty()) {
    // The tenant and the resident in one read: every resident request of a known browser
    // asks both.
    v.resident_id = db.read([&](store::Tx& tx) -> int64_t {
      auto t = auth.tenant_by_code(tx, req.params.at("tenant"));
      if (!t) throw ApiError::not_found("自治体が見つかりません");
      v.tenant_id = t->id;
      if (auto r = residents::find(tx, v.tenant_id, "web", ext)) return r->id;
      unknown = !residents::issued(tx, "web", ext);
      return 0;
    });
    v.forget_cookie = unknown && !v.resident_id;
    return v;
  }
  v.tenant_id = tenant_of(auth, req);
  if (!create) {
    v.forget_cookie = unknown;  // a cookie of the wrong length is none of ours
    return v;
  }
  v.resident_id = db.write([&](store::Tx& tx) -> int64_t {
    v.new_cookie.reset();
    if (!ext.empty()) {
      if (auto r = residents::find(tx, v.tenant_id, "web", ext)) return r->id;
      if (residents::issued(tx, "web", ext))
        return residents::find_or_create(tx, v.tenant_id, "web", ext).id;
    }
    v.new_cookie = crypto::random_token(24);
    return residents::find_or_create(tx, v.tenant_id, "web", crypto::sha256_hex(*v.new_cookie)).id;
  });
  return v;
}

std::string device_ext(const http::Request& req) {
  std::string token = req.cookie(kDeviceCookie).value_or("");
  if (token.size() < 20 || token.size() > 64) return "";
  return crypto::sha256_hex(token);
}

void require_json(const http::Request& req) {
  // A JSON content type forces a CORS preflight, so other sites cannot post in a
  // resident's name with their cookie.
  auto ct = req.header("content-type");
  if (!ct || ct->rfind("application/json", 0) != 0)
    throw ApiError(415, "unsupported_type", "Content-Type: application/json で送ってください");
}

// A positive id from a query or JSON value, or nullopt for anything else.
std::optional<int64_t> positive_id(const std::string& raw) {
  if (raw.empty() || raw.size() > 18 || raw.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  int64_t v = std::stoll(raw);
  return v > 0 ? std::optional<int64_t>(v) : std::nullopt;
}

std::optional<std::string> cookie_header(const Visitor& v, bool secure) {
  if (v.new_cookie)
    return std::string(kDeviceCookie) + "=" + *v.new_cookie +
           "; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000" + (secure ? "; Secure" : "");
  if (v.forget_cookie)
    return std::string(kDeviceCookie) + "=; Path=/; HttpOnly; SameSite=Lax; " + "Max-Age=0" +
           (secure ? "; Secure" : "");
  return std::nullopt;
}

http::Response with_cookie(http::Response res, const Visitor& v, bool secure) {
  if (auto c = cookie_header(v, secure)) res.header("Set-Cookie", *c);
  return res;
}
}  // namespace

DeviceResident device_resident(auth::AuthService& auth, store::Db& db, const http::Request& req,
                               bool create, bool secure) {
  Visitor v = visitor(auth, db, req, create);
  return {v.resident_id, cookie_header(v, secure), v.tenant_id};
}

void mount(http::Router& r, auth::AuthService& auth, store::Db& db, services::Catalog& catalog,
           applications::ChatService& chat, applications::Inbox& inbox, bool secure,
           const applications::UploadLimits& upload_limits, const MapSettings& map) {
  // The map settings travel with the municipality's info, which every resident page loads.
  r.get("/api/public/{tenant}/info", [&auth, map_json = map.to_json()](http::Request& req) {
    auto t = auth.tenant_by_code(req.params.at("tenant"));
    if (!t) throw ApiError::not_found("自治体が見つかりません");
    return http::Response::json({{"code", t->code}, {"name", t->name}, {"map", map_json}});
  });
  r.get("/api/public/{tenant}/services", [&](http::Request& req) {
    int64_t tenant = tenant_of(auth, req);
    Json items = Json::array();
    for (const auto& s : catalog.published(tenant)) {
      Json j = s.to_json();
      j.erase("status");
      j.erase("draft_updated_at");
      items.push_back(j);
    }
    return http::Response::json({{"items", items}});
  });
  // Handlers outlive this call: they take `secure` by value.
  r.post("/api/public/{tenant}/chat", [&, secure](http::Request& req) {
    require_json(req);
    auto body = req.json_body();
    if (!body.contains("service_id") || !body["service_id"].is_number_integer())
      throw ApiError::bad_request("service_id を数値で指定してください", "service_id");
    // An unknown service (or another municipality's) is a 404 before any resident row is made.
    catalog.current_version(tenant_of(auth, req), body["service_id"].get<int64_t>());
    auto v = visitor(auth, db, req, true);
    auto turn = chat.start(v.tenant_id, v.resident_id, body["service_id"].get<int64_t>(), "web");
    return with_cookie(http::Response::json(turn.to_json(), 201), v, secure);
  });
  r.get("/api/public/{tenant}/chat/{session}", [&](http::Request& req) {
    auto v = visitor(auth, db, req, false);
    if (!v.resident_id) throw ApiError::not_found("会話が見つかりません");
    return http::Response::json(
        chat.resume(v.tenant_id, v.resident_id, req.params.at("session")).to_json());
  });
  // The turn is the hot path: the device's resident is found in the turn's own transaction
  // (one transaction per turn, fewer round trips on PostgreSQL).
  auto tenant_ids = std::make_shared<TenantIds>();
  r.post("/api/public/{tenant}/chat/{session}/input", [&, tenant_ids](http::Request& req) {
    require_json(req);
    int64_t tenant_id = tenant_ids->of(auth, req);
    std::string ext = device_ext(req);
    if (ext.empty()) throw ApiError::not_found("会話が見つかりません");
    return http::Response::json(db.write([&](store::Tx& tx) {
      auto resident = residents::find(tx, tenant_id, "web", ext);
      if (!resident) throw ApiError::not_found("会話が見つかりません");
      // Malformed JSON is a 400; a well-formed but wrong Input is answered in the chat.
      auto body = req.json_body();
      return chat.input(tx, tenant_id, resident->id, req.params.at("session"), body).to_json();
    }));
  });
  // Photos go into the session that asks for one (the resident's own, at a photo step);
  // ResidentUploads checks that and the daily quotas. An upload never creates a resident.
  auto uploads =
      std::make_shared<applications::ResidentUploads>(db, catalog, upload_limits, chat.idle_ms());
  r.post("/api/public/{tenant}/chat/{session}/attachments", [&, uploads](http::Request& req) {
    auto v = visitor(auth, db, req, false);
    if (!v.resident_id) throw ApiError::not_found("会話が見つかりません");
    applications::Upload u;
    u.tenant_id = v.tenant_id;
    u.resident_id = v.resident_id;
    u.session_id = req.params.at("session");
    u.address = req.remote_addr;
    u.filename = req.query_or("filename", "photo");
    u.content_type = req.header("content-type").value_or("");
    u.bytes = &req.body;
    return http::Response::json({{"attachment_id", uploads->store(u)}}, 201);
  });
  // The resident opens a correction request (不備) of their own application: from 申請した手続き
  // or from a link staff sent. Only the device that applied gets it; a write (the dialog may be
  // reopened), so JSON only, like the chat.
  r.post("/api/public/{tenant}/my/corrections/{id}/chat", [&](http::Request& req) {
    require_json(req);
    auto v = visitor(auth, db, req, false);
    const std::string& raw = req.params.at("id");
    int64_t id = 0;
    bool numeric = !raw.empty() && raw.size() <= 18 &&
                   raw.find_first_not_of("0123456789") == std::string::npos;
    if (numeric) id = std::stoll(raw);
    if (!v.resident_id || !numeric)
      throw ApiError::not_found(
          "この修正依頼は見つかりません。申請したときと同じ端末・ブラウザで開いてください。");
    auto c = chat.open_correction(v.tenant_id, v.resident_id, id);
    Json out = c.to_json();
    out["turn"] = chat.resume(v.tenant_id, v.resident_id, c.session_id).to_json();
    return http::Response::json(out);
  });
  // お知らせ (messaging/web_inbox): the resident's own messages, newest first, a page of at
  // most 50 (`before` = the previous page's next_before), with the unread count for the badge.
  r.get("/api/public/{tenant}/my/messages", [&, secure](http::Request& req) {
    std::optional<int64_t> before;
    if (auto raw = req.query_or("before", ""); !raw.empty()) {
      before = positive_id(raw);
      if (!before) throw ApiError::bad_request("before は正の整数で指定してください", "before");
    }
    int limit = 20;
    if (auto raw = req.query_or("limit", ""); !raw.empty()) {
      auto n = positive_id(raw);
      if (!n || *n > messaging::kInboxPageMax)
        throw ApiError::bad_request("limit は 1〜50 で指定してください", "limit");
      limit = static_cast<int>(*n);
    }
    auto v = visitor(auth, db, req, false);
    if (!v.resident_id)
      return with_cookie(
          http::Response::json({{"items", Json::array()}, {"unread", 0}, {"next_before", nullptr}}),
          v, secure);
    return http::Response::json(db.read([&](store::Tx& tx) {
      return messaging::inbox_page(tx, v.tenant_id, v.resident_id, before, limit);
    }));
  });
  // Marks messages read: {"ids": [...]} (at most 100; ids not the resident's own are ignored)
  // or {"all": true}. Answers the unread count left.
  r.post("/api/public/{tenant}/my/messages/read", [&](http::Request& req) {
    require_json(req);
    auto body = req.json_body();
    std::vector<int64_t> ids;
    bool all = body.is_object() && body.contains("all") && body["all"] == true;
    if (!all) {
      if (!body.is_object() || !body.contains("ids") || !body["ids"].is_array() ||
          body["ids"].empty() || body["ids"].size() > 100)
        throw ApiError::bad_request("ids（1〜100件）か all: true を指定してください", "ids");
      for (const auto& id : body["ids"]) {
        if (!id.is_number_integer() || id.get<int64_t>() <= 0)
          throw ApiError::bad_request("ids は正の整数で指定してください", "ids");
        ids.push_back(id.get<int64_t>());
      }
    }
    auto v = visitor(auth, db, req, false);
    if (!v.resident_id) return http::Response::json({{"marked", 0}, {"unread", 0}});
    return http::Response::json(db.write([&](store::Tx& tx) {
      int64_t marked = messaging::mark_read(tx, v.tenant_id, v.resident_id, ids, clock::now_ms());
      return Json{{"marked", marked},
                  {"unread", messaging::unread_count(tx, v.tenant_id, v.resident_id)}};
    }));
  });
  r.get("/api/public/{tenant}/my/applications", [&, secure](http::Request& req) {
    auto v = visitor(auth, db, req, false);
    if (!v.resident_id)
      return with_cookie(http::Response::json({{"items", Json::array()}}), v, secure);
    return http::Response::json(inbox.for_resident(v.tenant_id, v.resident_id));
  });
}

}  // namespace mg::web
