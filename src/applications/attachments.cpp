#include "applications/attachments.h"

#include "applications/inbox.h"

#include <arpa/inet.h>

#include <cstring>

#include "conversation/session.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/errors.h"
#include "core/json_parse.h"

namespace mg::applications {

namespace conv = mg::conversation;

namespace {
bool magic_matches(const std::string& type, const std::string& b) {
  if (type == "image/jpeg") return b.size() > 3 && b.compare(0, 3, "\xFF\xD8\xFF") == 0;
  if (type == "image/png") return b.size() > 8 && b.compare(0, 8, "\x89PNG\r\n\x1A\n") == 0;
  return false;
}

// The file itself: a real JPEG or PNG, not empty, not too large. Returns the bare type.
std::string checked_type(const std::string& content_type, const std::string& bytes) {
  std::string type = content_type.substr(0, content_type.find(';'));
  if (type != "image/jpeg" && type != "image/png")
    throw ApiError(415, "unsupported_type", "JPEG または PNG の画像を送ってください",
                   "content_type");
  if (bytes.empty()) throw ApiError::bad_request("ファイルが空です", "file");
  if (bytes.size() > kMaxAttachmentBytes)
    throw ApiError(413, "too_large", "ファイルが大きすぎます (8MB まで)", "file");
  if (!magic_matches(type, bytes))
    throw ApiError::bad_request("ファイルの中身が画像ではありません", "file");
  return type;
}

// Counts one upload against a holder's quota of the day. The upsert takes the row lock, so
// concurrent uploads cannot both slip under the limit; an exceeded quota rolls back with the
// caller's transaction and so does not count.
void count_upload(store::Tx& tx, int64_t tenant_id, const std::string& holder,
                  const std::string& day, int64_t size, int64_t max_count, int64_t max_bytes) {
  auto r = tx.one(
      "INSERT INTO upload_quotas(tenant_id, holder, day, uploads, bytes) VALUES (?, ?, ?, 1, ?) "
      "ON CONFLICT (tenant_id, holder, day) DO UPDATE SET uploads = upload_quotas.uploads + 1, "
      "bytes = upload_quotas.bytes + excluded.bytes RETURNING uploads, bytes",
      {tenant_id, holder, day, size});
  if (r->i64(0) > max_count || r->i64(1) > max_bytes)
    throw ApiError(
        429, "quota_exceeded",
        "本日送ることのできる写真の上限に達しました。明日以降にもう一度お試しください。");
}

// The quota holder for a client address. An IPv6 host usually owns a whole /64, so the
// quota covers the /64 rather than one address the client can rotate within it.
std::string address_holder(const std::string& address) {
  unsigned char v6[16];
  static const unsigned char kV4Mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  std::string key = address;
  if (inet_pton(AF_INET6, address.c_str(), v6) == 1 && std::memcmp(v6, kV4Mapped, 12) != 0) {
    char buf[INET6_ADDRSTRLEN];
    std::memset(v6 + 8, 0, 8);
    if (inet_ntop(AF_INET6, v6, buf, sizeof buf)) key = std::string(buf) + "/64";
  } else if (address.rfind("::ffff:", 0) == 0) {
    key = address.substr(7);
  }
  return "address:" + crypto::sha256_hex(key);
}

void collect_attachment_ids(const Json& v, std::vector<int64_t>& out) {
  if (v.is_object()) {
    if (v.contains("attachment_id") && v["attachment_id"].is_number_integer())
      out.push_back(v["attachment_id"].get<int64_t>());
    for (const auto& [k, x] : v.items()) collect_attachment_ids(x, out);
  } else if (v.is_array()) {
    for (const auto& x : v) collect_attachment_ids(x, out);
  }
}
}  // namespace

int64_t ResidentUploads::store(const Upload& u) {
  const std::string& bytes = *u.bytes;
  std::string type = checked_type(u.content_type, bytes);
  auto size = static_cast<int64_t>(bytes.size());
  return db_.write([&](store::Tx& tx) {
    int64_t now = clock::now_ms();
    auto s = tx.one(
        "SELECT id, version_id, status, state FROM chat_sessions WHERE tenant_id = ? AND "
        "resident_id = ? AND public_id = ?",
        {u.tenant_id, u.resident_id, u.session_id});
    if (!s) throw ApiError::not_found("会話が見つかりません");
    std::optional<conv::SessionState> state;
    try {
      state = conv::SessionState::from_json(parse_stored_json(s->str(3)));
    } catch (const std::invalid_argument&) {
    }
    if (s->str(2) != "open" || !state || conv::expired(*state, now, idle_ms_))
      throw ApiError(409, "session_closed", "この手続きは終了しています");
    auto version = catalog_.version(tx, u.tenant_id, s->i64(1));
    const auto* step = version->definition.find(state->current);
    if (!step || step->kind != conv::StepKind::photo)
      throw ApiError(409, "not_photo_step", "いまは写真を受け付けていません");
    if (size > step->max_bytes) throw ApiError(413, "too_large", "ファイルが大きすぎます", "file");
    std::string day = clock::date_jst(now);
    count_upload(tx, u.tenant_id, "device:" + std::to_string(u.resident_id), day, size,
                 limits_.device_daily_count, limits_.device_daily_bytes);
    count_upload(tx, u.tenant_id, address_holder(u.address), day, size, limits_.address_daily_count,
                 limits_.address_daily_bytes);
    return tx.insert_id(
        "INSERT INTO attachments(tenant_id, resident_id, session_id, filename, content_type, "
        "size, data_b64, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {u.tenant_id, u.resident_id, s->i64(0), u.filename.substr(0, 200), type, size,
         crypto::base64_encode(bytes), now});
  });
}

void claim_attachments(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const Json& answers) {
  std::vector<int64_t> ids;
  collect_attachment_ids(answers, ids);
  int64_t now = clock::now_ms();
  for (int64_t id : ids)
    tx.exec(
        "UPDATE attachments SET claimed_at = ? WHERE tenant_id = ? AND id = ? AND resident_id = ? "
        "AND claimed_at IS NULL",
        {now, tenant_id, id, resident_id});
}

int64_t purge_unclaimed(store::Db& db, int64_t now_ms, int64_t unclaimed_ms) {
  return db.write([&](store::Tx& tx) {
    int64_t n = tx.exec("DELETE FROM attachments WHERE claimed_at IS NULL AND created_at < ?",
                        {now_ms - unclaimed_ms});
    // Quotas count JST days; yesterday's row is kept for a day of clock skew.
    tx.exec("DELETE FROM upload_quotas WHERE day < ?",
            {clock::date_jst(now_ms - 24LL * 3600 * 1000)});
    return n;
  });
}

std::optional<Attachment> load_attachment(store::Tx& tx, int64_t tenant_id, int64_t id,
                                          const DepartmentScope& scope) {
  if (scope) {
    store::Params params{tenant_id, id};
    std::string in_scope = scope_condition(scope, "ap.department", params);
    if (!tx.one("SELECT 1 FROM attachments f JOIN chat_sessions cs ON cs.id = f.session_id JOIN "
                "applications ap ON ap.tenant_id = f.tenant_id AND (ap.session_id = cs.id OR "
                "ap.id = cs.correction_of) WHERE f.tenant_id = ? AND f.id = ?" +
                    in_scope + " LIMIT 1",
                params))
      return std::nullopt;
  }
  auto r = tx.one(
      "SELECT id, filename, content_type, data_b64 FROM attachments WHERE tenant_id = ? AND id = ?",
      {tenant_id, id});
  if (!r) return std::nullopt;
  return Attachment{r->i64(0), r->str(1), r->str(2), crypto::base64_decode(r->str(3))};
}

std::optional<AttachmentMeta> own_attachment(store::Tx& tx, int64_t tenant_id, int64_t id,
                                             int64_t resident_id) {
  auto a = tx.one(
      "SELECT content_type, size FROM attachments WHERE tenant_id = ? AND id = ? AND resident_id "
      "= ?",
      {tenant_id, id, resident_id});
  if (!a) return std::nullopt;
  return AttachmentMeta{a->str(0), a->i64(1)};
}

}  // namespace mg::applications
