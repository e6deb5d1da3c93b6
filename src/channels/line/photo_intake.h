#pragma once
// A photo a resident sent on LINE becomes an attachment, like a web upload, so the engine can
// take it as {type:photo, attachment_id}. Downloading is separate from storing so the HTTP
// call never runs inside a database transaction.
#include <cstdint>
#include <optional>
#include <string>

#include "channels/line/line_api.h"
#include "store/db.h"

namespace mg::line {

inline constexpr size_t kMaxPhotoBytes = 10 * 1024 * 1024;

struct DownloadedPhoto {
  std::string message_id, content_type, bytes;
};

// nullopt when LINE does not have the content or it is too big.
std::optional<DownloadedPhoto> download_photo(const LineEndpoint& line,
                                              const std::string& message_id);
int64_t store_photo(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                    const DownloadedPhoto& photo);

}  // namespace mg::line
