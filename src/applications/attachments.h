#pragma once
// Files residents attach (photos of road damage, documents). Stored in the database so that
// several processes on PostgreSQL see the same files.
#include <optional>
#include <string>

#include "store/db.h"

namespace mg::applications {

constexpr std::size_t kMaxAttachmentBytes = 8 * 1024 * 1024;

struct Attachment {
  int64_t id = 0;
  std::string filename, content_type, data;
};

// Checks the bytes really are the declared image type; ApiError 400/413 otherwise.
int64_t store_attachment(store::Tx& tx, int64_t tenant_id, std::optional<int64_t> resident_id,
                         const std::string& filename, const std::string& content_type,
                         const std::string& bytes);
std::optional<Attachment> load_attachment(store::Tx& tx, int64_t tenant_id, int64_t id);

}  // namespace mg::applications
