#pragma once
// SQL for the service catalogue: services (drafts) and service_versions (published, never
// changed). No rules here; catalog.cpp decides. Other capabilities ask through these typed
// functions instead of querying the tables.
#include <optional>
#include <string>
#include <vector>

#include "conversation/definition.h"
#include "store/db.h"

namespace mg::services::sql {

struct ServiceRow {
  int64_t id = 0;
  std::string service_key, title, category, department, status;
  std::optional<int64_t> published_version;
  int64_t draft_updated_at = 0;
  std::string draft;  // the draft's JSON text
};

// A service with the definition of its published version (nullopt when never published).
struct ServiceWithPublished {
  ServiceRow service;
  std::optional<std::string> published;
};

struct VersionRow {
  int64_t id = 0, service_id = 0, version = 0;
  std::string definition;  // JSON text
};

struct VersionEntry {
  int64_t version = 0, published_at = 0;
  std::optional<int64_t> published_by;
};

std::optional<int64_t> service_id_by_key(store::Tx& tx, int64_t tenant_id,
                                         const std::string& service_key);
// A service's name and department (its draft's), for other capabilities' pages and exports.
struct ServiceName {
  int64_t id = 0;
  std::string title, department;
};
std::optional<ServiceName> service_name(store::Tx& tx, int64_t tenant_id, int64_t id);
// Every service of the tenant, by id.
std::vector<ServiceName> service_names(store::Tx& tx, int64_t tenant_id);
// The definitions of every published version, newest first (JSON text).
std::vector<std::string> version_definitions(store::Tx& tx, int64_t tenant_id, int64_t service_id);
// The service's title (its draft's), as staff and residents' lists show it.
std::optional<std::string> title_of(store::Tx& tx, int64_t tenant_id, int64_t id);
// The service's department (its draft's).
std::optional<std::string> department_of(store::Tx& tx, int64_t tenant_id, int64_t id);
std::optional<ServiceRow> service_by_id(store::Tx& tx, int64_t tenant_id, int64_t id);
int64_t insert_service(store::Tx& tx, int64_t tenant_id, const conversation::ServiceDefinition& def,
                       const std::string& draft, int64_t now);
// False when the tenant has no such service.
bool update_draft(store::Tx& tx, int64_t tenant_id, int64_t id,
                  const conversation::ServiceDefinition& def, const std::string& draft,
                  int64_t now);

// Every service of the tenant with its published definition, by category then id.
std::vector<ServiceWithPublished> services_with_published(store::Tx& tx, int64_t tenant_id);
// Published services only, by category then id; ServiceRow::draft is left empty.
std::vector<ServiceWithPublished> published_services(store::Tx& tx, int64_t tenant_id);

std::optional<std::string> version_definition(store::Tx& tx, int64_t tenant_id, int64_t service_id,
                                              int64_t version);
std::vector<VersionEntry> version_history(store::Tx& tx, int64_t tenant_id, int64_t service_id);
std::optional<VersionRow> version_by_id(store::Tx& tx, int64_t tenant_id, int64_t version_id);
// The id of the version residents start now (published service), or nullopt.
std::optional<int64_t> current_version_id(store::Tx& tx, int64_t tenant_id, int64_t service_id);

// The service row, locked on PostgreSQL, for publishing.
std::optional<ServiceRow> lock_service(store::Tx& tx, int64_t tenant_id, int64_t id);
int64_t last_version(store::Tx& tx, int64_t tenant_id, int64_t service_id);
void insert_version(store::Tx& tx, int64_t tenant_id, int64_t service_id, int64_t version,
                    const std::string& definition, int64_t now, std::optional<int64_t> staff_id);
void set_published(store::Tx& tx, int64_t tenant_id, int64_t id, int64_t version);
// False when the tenant has no such service.
bool set_status(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& status);

struct ServiceCounts {
  int64_t total = 0, published = 0;
};
ServiceCounts count_services(store::Tx& tx, int64_t tenant_id);
// The same as subqueries (total, published) for a page asking several capabilities at once.
std::vector<store::Subquery> count_services_queries(int64_t tenant_id);

}  // namespace mg::services::sql
