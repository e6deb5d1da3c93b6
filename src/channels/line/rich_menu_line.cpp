#include "channels/line/rich_menu_line.h"

#include <algorithm>

#include "channels/line/channel_settings.h"
#include "core/errors.h"
#include "core/http.h"
#include "core/json_parse.h"

namespace mg::line {

namespace {

constexpr size_t kBulkBatch = 500;  // LINE's userIds limit for bulk link/unlink

std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

ApiError line_refused(const char* what, const http::ClientResponse& r) {
  if (r.status == 0)
    return ApiError(502, "line_unreachable",
                    std::string("LINE に接続できませんでした (") + what + "): " + r.error);
  Json body = parse_stored_json(r.body);
  ApiError e(502, "line_error",
             std::string("LINE がリクエストを拒否しました (") + what + ", HTTP " +
                 std::to_string(r.status) +
                 "): " + (body.is_object() ? body.value("message", r.body) : r.body));
  e.with_details({{"line_status", r.status},
                  {"line_body", body.is_discarded() ? Json(r.body) : body},
                  {"line_request_id", r.header("x-line-request-id")}});
  return e;
}

}  // namespace

RichMenuLine RichMenuLine::for_tenant(store::Db& db, int64_t tenant_id) {
  auto s = db.read([&](store::Tx& tx) { return load_settings(tx, tenant_id); });
  if (!s || s->access_token.empty())
    throw ApiError::conflict("LINE チャネルのアクセストークンが設定されていません", "access_token");
  return RichMenuLine(LineEndpoint{s->api_base, s->access_token});
}

http::ClientResponse RichMenuLine::send(const std::string& method, const std::string& url,
                                        const std::string& content_type, const std::string& body,
                                        const char* what) {
  auto r = call(ep_, method, url, content_type, body);
  if (r.status < 200 || r.status >= 300) throw line_refused(what, r);
  return r;
}

std::string RichMenuLine::create(const Json& menu) {
  auto r = send("POST", trim_slash(ep_.api_base) + "/v2/bot/richmenu", "application/json",
                menu.dump(), "richmenu create");
  Json j = parse_stored_json(r.body);
  if (!j.is_object() || !j.contains("richMenuId") || !j["richMenuId"].is_string())
    throw ApiError(502, "line_error", "LINE の応答に richMenuId がありません: " + r.body);
  return j["richMenuId"];
}

bool RichMenuLine::upload_image(const std::string& id, const std::string& bytes,
                                const std::string& content_type) {
  auto r = call(ep_, "POST",
                trim_slash(data_api_base(ep_.api_base)) + "/v2/bot/richmenu/" +
                    http::url_encode(id) + "/content",
                content_type, bytes);
  if (r.status >= 200 && r.status < 300) return true;
  // Images cannot be replaced; this one went up before we could record it.
  if (r.status == 400 && r.body.find("already been uploaded") != std::string::npos) return false;
  throw line_refused("richmenu image upload", r);
}

void RichMenuLine::set_default(const std::string& id) {
  send("POST", trim_slash(ep_.api_base) + "/v2/bot/user/all/richmenu/" + http::url_encode(id), "",
       "", "default richmenu");
}

void RichMenuLine::clear_default() {
  send("DELETE", trim_slash(ep_.api_base) + "/v2/bot/user/all/richmenu", "", "",
       "default richmenu clear");
}

void RichMenuLine::bulk_link(const std::vector<std::string>& users, const std::string& id) {
  for (size_t i = 0; i < users.size(); i += kBulkBatch) {
    std::vector<std::string> batch(users.begin() + i,
                                   users.begin() + std::min(users.size(), i + kBulkBatch));
    send("POST", trim_slash(ep_.api_base) + "/v2/bot/richmenu/bulk/link", "application/json",
         Json{{"richMenuId", id}, {"userIds", batch}}.dump(), "richmenu bulk link");
  }
}

void RichMenuLine::bulk_unlink(const std::vector<std::string>& users) {
  for (size_t i = 0; i < users.size(); i += kBulkBatch) {
    std::vector<std::string> batch(users.begin() + i,
                                   users.begin() + std::min(users.size(), i + kBulkBatch));
    send("POST", trim_slash(ep_.api_base) + "/v2/bot/richmenu/bulk/unlink", "application/json",
         Json{{"userIds", batch}}.dump(), "richmenu bulk unlink");
  }
}

std::string RichMenuLine::ensure(store::Db& db, StoredRichMenu& m) {
  if (!m.on_line()) {
    m.line_rich_menu_id = create(m.menu);
    m.uploaded_image_sha256.clear();
    db.write([&](store::Tx& tx) { record_line_menu_id(tx, m.id, m.line_rich_menu_id); });
  }
  if (!m.image_uploaded()) {
    upload_image(m.line_rich_menu_id, m.image(), m.image_content_type());
    m.uploaded_image_sha256 = m.image_sha256;
    db.write([&](store::Tx& tx) { record_uploaded_image(tx, m.id, m.image_sha256); });
  }
  return m.line_rich_menu_id;
}

}  // namespace mg::line
