#include "services/store.h"

namespace mg::services::sql {

namespace {
constexpr const char* kCols =
    "id, service_key, title, category, department, status, published_version, draft_updated_at, "
    "draft";

ServiceRow service_row(const store::Row& r) {
  return {r.i64(0), r.str(1),     r.str(2), r.str(3), r.str(4),
          r.str(5), r.opt_i64(6), r.i64(7), r.str(8)};
}
}  // namespace

std::optional<int64_t> service_id_by_key(store::Tx& tx, int64_t tenant_id,
                                         const std::string& service_key) {
  auto r = tx.one("SELECT id FROM services WHERE tenant_id = ? AND service_key = ?",
                  {tenant_id, service_key});
  if (!r) return std::nullopt;
  return r->i64(0);
}

std::optional<ServiceName> service_name(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto r = tx.one("SELECT id, title, department FROM services WHERE tenant_id = ? AND id = ?",
                  {tenant_id, id});
  if (!r) return std::nullopt;
  return ServiceName{r->i64(0), r->str(1), r->str(2)};
}

std::vector<ServiceName> service_names(store::Tx& tx, int64_t tenant_id) {
  std::vector<ServiceName> out;
  for (const auto& r :
       tx.query("SELECT id, title, department FROM services WHERE tenant_id = ? ORDER BY id",
                {tenant_id}))
    out.push_back({r.i64(0), r.str(1), r.str(2)});
  return out;
}

std::vector<std::string> version_definitions(store::Tx& tx, int64_t tenant_id, int64_t service_id) {
  std::vector<std::string> out;
  for (const auto& v : tx.query(
           "SELECT definition FROM service_versions WHERE tenant_id = ? AND service_id = ? ORDER "
           "BY version DESC",
           {tenant_id, service_id}))
    out.push_back(v.str(0));
  return out;
}

std::optional<std::string> title_of(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto r = tx.one("SELECT title FROM services WHERE tenant_id = ? AND id = ?", {tenant_id, id});
  if (!r) return std::nullopt;
  return r->str(0);
}

std::optional<std::string> department_of(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto r =
      tx.one("SELECT department FROM services WHERE tenant_id = ? AND id = ?", {tenant_id, id});
  if (!r) return std::nullopt;
  return r->str(0);
}

std::optional<ServiceRow> service_by_id(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto r = tx.one(std::string("SELECT ") + kCols + " FROM services WHERE tenant_id = ? AND id = ?",
                  {tenant_id, id});
  if (!r) return std::nullopt;
  return service_row(*r);
}

int64_t insert_service(store::Tx& tx, int64_t tenant_id, const conversation::ServiceDefinition& def,
                       const std::string& draft, int64_t now) {
  return tx.insert_id(
      "INSERT INTO services(tenant_id, service_key, title, category, department, draft, "
      "draft_updated_at, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?) RETURNING "
      "id",
      {tenant_id, def.service_key, def.title, def.category, def.department, draft, now, now});
}

bool update_draft(store::Tx& tx, int64_t tenant_id, int64_t id,
                  const conversation::ServiceDefinition& def, const std::string& draft,
                  int64_t now) {
  return tx.exec(
             "UPDATE services SET service_key = ?, title = ?, category = ?, department = ?, draft "
             "= ?, draft_updated_at = ? WHERE tenant_id = ? AND id = ?",
             {def.service_key, def.title, def.category, def.department, draft, now, tenant_id,
              id}) > 0;
}

std::vector<ServiceWithPublished> services_with_published(store::Tx& tx, int64_t tenant_id) {
  std::vector<ServiceWithPublished> out;
  for (const auto& r : tx.query(
           "SELECT s.id, s.service_key, s.title, s.category, s.department, s.status, "
           "s.published_version, s.draft_updated_at, s.draft, v.definition FROM services s LEFT "
           "JOIN service_versions v ON v.service_id = s.id AND v.version = s.published_version "
           "WHERE s.tenant_id = ? ORDER BY s.category, s.id",
           {tenant_id}))
    out.push_back({service_row(r), r.opt_str(9)});
  return out;
}

std::vector<ServiceWithPublished> published_services(store::Tx& tx, int64_t tenant_id) {
  std::vector<ServiceWithPublished> out;
  for (const auto& r :
       tx.query("SELECT s.id, s.service_key, s.title, s.category, s.department, s.status, "
                "s.published_version, s.draft_updated_at, v.definition FROM services s JOIN "
                "service_versions v ON v.service_id = s.id AND v.version = s.published_version "
                "WHERE s.tenant_id = ? AND s.status = 'published' ORDER BY s.category, s.id",
                {tenant_id})) {
    ServiceRow s{r.i64(0), r.str(1),     r.str(2), r.str(3), r.str(4),
                 r.str(5), r.opt_i64(6), r.i64(7), ""};
    out.push_back({std::move(s), r.str(8)});
  }
  return out;
}

std::optional<std::string> version_definition(store::Tx& tx, int64_t tenant_id, int64_t service_id,
                                              int64_t version) {
  auto r = tx.one(
      "SELECT definition FROM service_versions WHERE tenant_id = ? AND service_id = ? AND "
      "version = ?",
      {tenant_id, service_id, version});
  if (!r) return std::nullopt;
  return r->str(0);
}

std::vector<VersionEntry> version_history(store::Tx& tx, int64_t tenant_id, int64_t service_id) {
  std::vector<VersionEntry> out;
  for (const auto& v : tx.query(
           "SELECT version, published_at, published_by FROM service_versions WHERE tenant_id = ? "
           "AND service_id = ? ORDER BY version DESC",
           {tenant_id, service_id}))
    out.push_back({v.i64(0), v.i64(1), v.opt_i64(2)});
  return out;
}

std::optional<VersionRow> version_by_id(store::Tx& tx, int64_t tenant_id, int64_t version_id) {
  auto r = tx.one(
      "SELECT id, service_id, version, definition FROM service_versions WHERE id = ? AND "
      "tenant_id = ?",
      {version_id, tenant_id});
  if (!r) return std::nullopt;
  return VersionRow{r->i64(0), r->i64(1), r->i64(2), r->str(3)};
}

std::optional<int64_t> current_version_id(store::Tx& tx, int64_t tenant_id, int64_t service_id) {
  auto r = tx.one(
      "SELECT v.id FROM services s JOIN service_versions v ON v.service_id = s.id AND v.version "
      "= s.published_version WHERE s.tenant_id = ? AND s.id = ? AND s.status = 'published'",
      {tenant_id, service_id});
  if (!r) return std::nullopt;
  return r->i64(0);
}

std::optional<ServiceRow> lock_service(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto r = tx.one(std::string("SELECT ") + kCols + " FROM services WHERE tenant_id = ? AND id = ?" +
                      store::for_update(tx),
                  {tenant_id, id});
  if (!r) return std::nullopt;
  return service_row(*r);
}

int64_t last_version(store::Tx& tx, int64_t tenant_id, int64_t service_id) {
  auto r = tx.one(
      "SELECT COALESCE(MAX(version), 0) FROM service_versions WHERE tenant_id = ? AND "
      "service_id = ?",
      {tenant_id, service_id});
  return r ? r->i64(0) : 0;
}

void insert_version(store::Tx& tx, int64_t tenant_id, int64_t service_id, int64_t version,
                    const std::string& definition, int64_t now, std::optional<int64_t> staff_id) {
  tx.exec(
      "INSERT INTO service_versions(tenant_id, service_id, version, definition, published_at, "
      "published_by) VALUES (?, ?, ?, ?, ?, ?)",
      {tenant_id, service_id, version, definition, now, store::opt(staff_id)});
}

void set_published(store::Tx& tx, int64_t tenant_id, int64_t id, int64_t version) {
  tx.exec(
      "UPDATE services SET published_version = ?, status = 'published' WHERE tenant_id = ? AND "
      "id = ?",
      {version, tenant_id, id});
}

bool set_status(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& status) {
  return tx.exec("UPDATE services SET status = ? WHERE tenant_id = ? AND id = ?",
                 {status, tenant_id, id}) > 0;
}

std::vector<store::Subquery> count_services_queries(int64_t tenant_id) {
  return {{"(SELECT COUNT(*) FROM services WHERE tenant_id = ?)", {tenant_id}},
          {"(SELECT COUNT(*) FROM services WHERE tenant_id = ? AND status = 'published')",
           {tenant_id}}};
}

ServiceCounts count_services(store::Tx& tx, int64_t tenant_id) {
  auto v = store::scalars(tx, count_services_queries(tenant_id));
  return {v[0], v[1]};
}

}  // namespace mg::services::sql
