#pragma once
// Files residents attach (photos of road damage, documents). Stored in the database so that
// several processes on PostgreSQL see the same files.
//
// A web resident can only upload into one of their open chat sessions while it asks for a
// photo, within daily quotas per device and per address; an upload that no application
// claims is removed by a recurring job, so anonymous uploads cannot fill the database.
#include <optional>
#include <string>

#include "applications/model.h"
#include "services/catalog.h"
#include "store/db.h"

namespace mg::applications {

constexpr std::size_t kMaxAttachmentBytes = 8 * 1024 * 1024;

struct Attachment {
  int64_t id = 0;
  std::string filename, content_type, data;
};

struct UploadLimits {
  int64_t device_daily_count = 20;
  int64_t device_daily_bytes = int64_t{100} << 20;
  // Many residents can share an address (mobile carriers' NAT, the city hall's Wi-Fi).
  int64_t address_daily_count = 200;
  int64_t address_daily_bytes = int64_t{1} << 30;
  int64_t unclaimed_ms = 24LL * 3600 * 1000;  // then an unsubmitted upload is removed

  // The per-address quotas are ten times the per-device ones.
  static UploadLimits per_device(int64_t daily_count, int64_t daily_bytes, int64_t unclaimed_ms) {
    return {daily_count, daily_bytes, daily_count * 10, daily_bytes * 10, unclaimed_ms};
  }
};

struct Upload {
  int64_t tenant_id = 0;
  int64_t resident_id = 0;
  std::string session_id;  // the chat session's public id
  std::string address;     // the client's address, only hashed into the quota key
  std::string filename, content_type;
  const std::string* bytes = nullptr;
};

class ResidentUploads {
 public:
  ResidentUploads(store::Db& db, services::Catalog& catalog, UploadLimits limits, int64_t idle_ms)
      : db_(db), catalog_(catalog), limits_(limits), idle_ms_(idle_ms) {}
  // Stores a photo for the session's current photo step. ApiError 404 (not this resident's
  // session), 409 (session over or not at a photo step), 413/415/400 (the file), 429 (quota).
  int64_t store(const Upload& u);

 private:
  store::Db& db_;
  services::Catalog& catalog_;
  UploadLimits limits_;
  int64_t idle_ms_;
};

// Marks the resident's attachments referenced by photo answers as part of an application, so
// the clean-up keeps them.
void claim_attachments(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const Json& answers);
// Removes uploads older than unclaimed_ms that no application claimed, and quota counters of
// past days. Returns how many files were removed.
int64_t purge_unclaimed(store::Db& db, int64_t now_ms, int64_t unclaimed_ms);

// nullopt for another tenant's file, or, with a limited scope, for a file of no application in
// the scope (the application made in its session or corrected through it).
std::optional<Attachment> load_attachment(store::Tx& tx, int64_t tenant_id, int64_t id,
                                          const DepartmentScope& scope = std::nullopt);

// The type and size of a file the resident uploaded (a photo answer names it); nullopt for
// another resident's or tenant's file.
struct AttachmentMeta {
  std::string content_type;
  int64_t size = 0;
};
std::optional<AttachmentMeta> own_attachment(store::Tx& tx, int64_t tenant_id, int64_t id,
                                             int64_t resident_id);

}  // namespace mg::applications
