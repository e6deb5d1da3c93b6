#pragma once
// A photo a resident sent on LINE becomes an attachment, like a web upload, so the engine can
// take it as {type:photo, attachment_id}.
#include <cstdint>
#include <optional>
#include <string>

#include "channels/line/line_api.h"
#include "store/db.h"

namespace mg::line {

inline constexpr size_t kMaxPhotoBytes = 10 * 1024 * 1024;

// Downloads the content and stores it; nullopt when LINE does not have it or it is too big.
std::optional<int64_t> save_photo(store::Db& db, const LineEndpoint& line, int64_t tenant_id,
                                  int64_t resident_id, const std::string& message_id);

}  // namespace mg::line
