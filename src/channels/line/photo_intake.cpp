#include "channels/line/photo_intake.h"

#include "core/clock.h"
#include "core/crypto.h"
#include "core/log.h"

namespace mg::line {

std::optional<DownloadedPhoto> download_photo(const LineEndpoint& line,
                                              const std::string& message_id) {
  auto r = message_content(line, message_id);
  if (r.status != 200 || r.body.empty() || r.body.size() > kMaxPhotoBytes) {
    log::warn("line photo download failed", {{"status", r.status}, {"bytes", r.body.size()}});
    return std::nullopt;
  }
  std::string type = r.header("content-type");
  if (auto semi = type.find(';'); semi != std::string::npos) type = type.substr(0, semi);
  if (type.empty()) type = "image/jpeg";
  return DownloadedPhoto{message_id, type, std::move(r.body)};
}

int64_t store_photo(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                    const DownloadedPhoto& photo) {
  std::string ext = photo.content_type == "image/png" ? ".png" : ".jpg";
  return tx.insert_id(
      "INSERT INTO attachments(tenant_id, resident_id, filename, content_type, size, data_b64, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {tenant_id, resident_id, "line-" + photo.message_id + ext, photo.content_type,
       static_cast<int64_t>(photo.bytes.size()), crypto::base64_encode(photo.bytes),
       clock::now_ms()});
}

}  // namespace mg::line
