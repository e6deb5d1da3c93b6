#include "channels/web/routes.h"

#include "applications/attachments.h"
#include "core/crypto.h"
#include "core/errors.h"
#include "residents/directory.h"
#include "services/routes.h"

namespace mg::web {

namespace {
constexpr const char* kDeviceCookie = "mg_device";

struct Visitor {
  int64_t tenant_id = 0;
  int64_t resident_id = 0;
  std::optional<std::string> new_cookie;  // set when the browser had none
};

int64_t tenant_of(auth::AuthService& auth, const http::Request& req) {
  auto t = auth.tenant_by_code(req.params.at("tenant"));
  if (!t) throw ApiError::not_found("自治体が見つかりません");
  return t->id;
}

// The device token is random and only its hash is stored, so a leaked database does not
// let anyone impersonate a browser.
Visitor visitor(auth::AuthService& auth, store::Db& db, const http::Request& req, bool create) {
  Visitor v;
  v.tenant_id = tenant_of(auth, req);
  std::string token = req.cookie(kDeviceCookie).value_or("");
  if (token.size() < 20 || token.size() > 64) token.clear();
  if (token.empty()) {
    if (!create) return v;
    token = crypto::random_token(24);
    v.new_cookie = token;
  }
  std::string ext = crypto::sha256_hex(token);
  if (create) {
    v.resident_id = db.write(
        [&](store::Tx& tx) { return residents::find_or_create(tx, v.tenant_id, "web", ext).id; });
  } else {
    auto r = db.read([&](store::Tx& tx) { return residents::find(tx, v.tenant_id, "web", ext); });
    if (r) v.resident_id = r->id;
  }
  return v;
}

void require_json(const http::Request& req) {
  // A JSON content type forces a CORS preflight, so other sites cannot post in a
  // resident's name with their cookie.
  auto ct = req.header("content-type");
  if (!ct || ct->rfind("application/json", 0) != 0)
    throw ApiError(415, "unsupported_type", "Content-Type: application/json で送ってください");
}

http::Response with_cookie(http::Response res, const Visitor& v, bool secure) {
  if (v.new_cookie)
    res.header("Set-Cookie", std::string(kDeviceCookie) + "=" + *v.new_cookie +
                                 "; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000" +
                                 (secure ? "; Secure" : ""));
  return res;
}
}  // namespace

void register_routes(http::Router& r, auth::AuthService& auth, store::Db& db,
                     services::Catalog& catalog, applications::ChatService& chat,
                     applications::Inbox& inbox, bool secure) {
  r.get("/api/public/{tenant}/info", [&](http::Request& req) {
    auto t = auth.tenant_by_code(req.params.at("tenant"));
    if (!t) throw ApiError::not_found("自治体が見つかりません");
    return http::Response::json({{"code", t->code}, {"name", t->name}});
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
  r.post("/api/public/{tenant}/chat/{session}/input", [&](http::Request& req) {
    require_json(req);
    auto v = visitor(auth, db, req, false);
    if (!v.resident_id) throw ApiError::not_found("会話が見つかりません");
    // Malformed JSON is a 400; a well-formed but wrong Input is answered in the chat.
    auto body = req.json_body();
    return http::Response::json(
        chat.input(v.tenant_id, v.resident_id, req.params.at("session"), body).to_json());
  });
  r.post("/api/public/{tenant}/attachments", [&, secure](http::Request& req) {
    auto v = visitor(auth, db, req, true);
    std::string type = req.header("content-type").value_or("");
    int64_t id = db.write([&](store::Tx& tx) {
      return applications::store_attachment(tx, v.tenant_id, v.resident_id,
                                            req.query_or("filename", "photo"), type, req.body);
    });
    return with_cookie(http::Response::json({{"attachment_id", id}}, 201), v, secure);
  });
  r.get("/api/public/{tenant}/my/applications", [&](http::Request& req) {
    auto v = visitor(auth, db, req, false);
    if (!v.resident_id) return http::Response::json({{"items", Json::array()}});
    return http::Response::json(inbox.for_resident(v.tenant_id, v.resident_id));
  });
}

}  // namespace mg::web
