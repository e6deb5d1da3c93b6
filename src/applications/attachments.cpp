#include "applications/attachments.h"

#include "core/clock.h"
#include "core/crypto.h"
#include "core/errors.h"

namespace mg::applications {

namespace {
bool magic_matches(const std::string& type, const std::string& b) {
  if (type == "image/jpeg") return b.size() > 3 && b.compare(0, 3, "\xFF\xD8\xFF") == 0;
  if (type == "image/png") return b.size() > 8 && b.compare(0, 8, "\x89PNG\r\n\x1A\n") == 0;
  return false;
}
}  // namespace

int64_t store_attachment(store::Tx& tx, int64_t tenant_id, std::optional<int64_t> resident_id,
                         const std::string& filename, const std::string& content_type,
                         const std::string& bytes) {
  std::string type = content_type.substr(0, content_type.find(';'));
  if (type != "image/jpeg" && type != "image/png")
    throw ApiError(415, "unsupported_type", "JPEG または PNG の画像を送ってください",
                   "content_type");
  if (bytes.empty()) throw ApiError::bad_request("ファイルが空です", "file");
  if (bytes.size() > kMaxAttachmentBytes)
    throw ApiError(413, "too_large", "ファイルが大きすぎます (8MB まで)", "file");
  if (!magic_matches(type, bytes))
    throw ApiError::bad_request("ファイルの中身が画像ではありません", "file");
  std::string name = filename.substr(0, 200);
  return tx.insert_id(
      "INSERT INTO attachments(tenant_id, resident_id, filename, content_type, size, data_b64, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {tenant_id, store::opt(resident_id), name, type, static_cast<int64_t>(bytes.size()),
       crypto::base64_encode(bytes), clock::now_ms()});
}

std::optional<Attachment> load_attachment(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto r = tx.one(
      "SELECT id, filename, content_type, data_b64 FROM attachments WHERE tenant_id = ? AND id = ?",
      {tenant_id, id});
  if (!r) return std::nullopt;
  return Attachment{r->i64(0), r->str(1), r->str(2), crypto::base64_decode(r->str(3))};
}

}  // namespace mg::applications
