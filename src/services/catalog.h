#pragma once
// The municipality's service catalogue: drafts that staff edit, immutable published versions
// that residents' sessions pin, import/export as one JSON file, publish/unpublish.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "conversation/definition.h"
#include "store/db.h"

namespace mg::services {

struct ServiceSummary {
  int64_t id = 0;
  std::string service_key, title, category, department, description, status;
  std::optional<int64_t> published_version;
  std::optional<int64_t> fee;
  int64_t draft_updated_at = 0;
  // Whether residents see the service now, and why not ({visible, reason}); staff lists only.
  std::optional<Json> visibility;
  // What applying costs, from the published definition ({from, varies}, null when free);
  // residents' list only.
  std::optional<Json> fees;
  // What the draft changes compared with the published version (definition_changes); empty
  // when they are the same, absent when nothing was ever published.
  std::optional<Json> changes;
  // The draft's revision (draft_revision of its text), for editors' version check; staff only.
  std::optional<std::string> revision;
  Json to_json() const;
};

// A published version, parsed once and shared (versions never change).
struct PublishedVersion {
  int64_t version_id = 0;
  int64_t tenant_id = 0;
  int64_t service_id = 0;
  int64_t version = 0;
  std::string title;
  conversation::ServiceDefinition definition;
};

struct PublishResult {
  int64_t version = 0;
  bool created = true;  // false: the draft equals the published version, none was made
};

// A lookup step that checks answers against a staff-uploaded list (名簿).
struct LookupUse {
  std::string list;
  int64_t service_id = 0;
  std::string service_title, step_label;
  std::vector<std::string> fields;  // the list's columns the step matches on
};

class Catalog {
 public:
  explicit Catalog(store::Db& db) : db_(db) {}

  // Creates the service or replaces its draft (by service_key). ApiError 400 with details[]
  // when the definition does not parse or validate.
  ServiceSummary save_draft(const auth::Principal& who, const Json& definition);
  // With base_revision (the revision the editor loaded), a draft saved meanwhile by someone
  // else is not overwritten: ApiError 409 "stale_draft".
  ServiceSummary replace_draft(const auth::Principal& who, int64_t id, const Json& definition,
                               const std::optional<std::string>& base_revision = std::nullopt);
  std::vector<ServiceSummary> list(int64_t tenant_id);
  std::vector<ServiceSummary> published(int64_t tenant_id);
  Json detail(int64_t tenant_id, int64_t id);  // summary + definition + versions
  Json export_definition(int64_t tenant_id, int64_t id);
  // Publishing a draft identical (canonical JSON) to the published version makes no version;
  // it only re-opens a service that was unpublished.
  PublishResult publish(const auth::Principal& who, int64_t id);
  // A new draft from a bundled template; ApiError 409 when the service_key is taken.
  ServiceSummary create_from_template(const auth::Principal& who, const std::string& key,
                                      const Json& definition);
  // Every lookup step of the tenant's services (drafts and published versions).
  std::vector<LookupUse> lookup_uses(int64_t tenant_id);
  ServiceSummary unpublish(const auth::Principal& who, int64_t id);
  // Published version `version` as stored (raw JSON); nullopt for an unknown service/version.
  std::optional<Json> version_json(int64_t tenant_id, int64_t id, int64_t version);
  // Rollback in one action: version `version` becomes the draft and is published again as a
  // new version (history is never rewritten). ApiError 404 for an unknown version.
  PublishResult restore_version(const auth::Principal& who, int64_t id, int64_t version);
  // What changes from version `from` to version `to` (nullopt: the current draft), as
  // definition_changes words. ApiError 404 for an unknown service or version.
  Json changes_between(int64_t tenant_id, int64_t id, int64_t from, std::optional<int64_t> to);

  // The current published version of a service, for a resident starting a session; ApiError
  // 404 when the service is not published (or belongs to another tenant).
  std::shared_ptr<const PublishedVersion> current_version(int64_t tenant_id, int64_t service_id);
  // A pinned version by id (sessions keep the version they started with).
  std::shared_ptr<const PublishedVersion> version(int64_t tenant_id, int64_t version_id);
  // The same inside the caller's transaction: a function given a Tx never opens another (on
  // PostgreSQL that would take a second pooled connection while the first is held).
  std::shared_ptr<const PublishedVersion> current_version(store::Tx& tx, int64_t tenant_id,
                                                          int64_t service_id);
  std::shared_ptr<const PublishedVersion> version(store::Tx& tx, int64_t tenant_id,
                                                  int64_t version_id);

  // The service's department (its draft's), or nullopt for another tenant's / unknown id.
  std::optional<std::string> department_of(int64_t tenant_id, int64_t id);

  // Imports every *.json in dir as a published service (skips service_keys already present).
  int import_directory(int64_t tenant_id, const std::string& dir);

 private:
  ServiceSummary save(store::Tx& tx, int64_t tenant_id, std::optional<int64_t> id,
                      const conversation::ServiceDefinition& def, const Json& raw);
  std::shared_ptr<const PublishedVersion> cached(int64_t tenant_id, int64_t version_id);
  PublishResult publish_in(store::Tx& tx, int64_t tenant_id, int64_t id,
                           std::optional<int64_t> staff);

  store::Db& db_;
  std::mutex cache_mu_;
  std::map<int64_t, std::shared_ptr<const PublishedVersion>> cache_;  // version_id -> version
};

// The rule the resident list applies: published, and today (JST, YYYY-MM-DD) within the
// published version's 受付期間. Returns {visible, reason}; reason is Japanese for staff.
Json resident_visibility(const std::string& status, const Json& published_definition,
                         const std::string& today);

// A short fingerprint of the stored draft text: equal texts, equal revisions.
std::string draft_revision(const std::string& draft);

// Parses and validates; ApiError 400 "invalid_definition" with details[] otherwise.
conversation::ServiceDefinition load_or_throw(const Json& definition);

}  // namespace mg::services
