#include "applications/application_store.h"

#include "applications/inbox.h"
#include "core/json_parse.h"

namespace mg::applications::sql {

namespace {
constexpr const char* kRefCols =
    "SELECT id, service_id, version_id, resident_id, receipt_number, answers FROM applications ";

ApplicationRef ref(const store::Row& r) {
  return {r.i64(0), r.i64(1), r.i64(2), r.i64(3), r.str(4), parse_stored_json(r.str(5))};
}
}  // namespace

int64_t insert_application(store::Tx& tx, const NewApplication& a) {
  return tx.insert_id(
      "INSERT INTO applications(tenant_id, receipt_number, service_id, version_id, session_id, "
      "resident_id, channel, department, status, answers, search_text, total_fee, submitted_at, "
      "updated_at, privacy_consent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?) "
      "RETURNING id",
      {a.tenant_id, "pending-" + a.session_public_id, a.service_id, a.version_id, a.session_id,
       a.resident_id, a.channel, a.department, a.answers.dump(), a.search_text, a.total_fee, a.now,
       a.now, a.consent.is_null() ? store::Value() : store::Value(a.consent.dump())});
}

void set_receipt(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& receipt) {
  tx.exec(
      "UPDATE applications SET receipt_number = ?, search_text = ? || search_text WHERE "
      "tenant_id = ? AND id = ?",
      {receipt, receipt + " ", tenant_id, id});
}

void replace_answers(store::Tx& tx, int64_t tenant_id, int64_t id, const Json& answers,
                     const std::string& search_text, int64_t now) {
  tx.exec(
      "UPDATE applications SET answers = ?, search_text = receipt_number || ' ' || ?, status = "
      "CASE WHEN status = 'done' THEN 'in_progress' ELSE status END, updated_at = ? WHERE "
      "tenant_id = ? AND id = ?",
      {answers.dump(), search_text, now, tenant_id, id});
}

std::optional<ApplicationRef> application_by_id(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto r = tx.one(std::string(kRefCols) + "WHERE tenant_id = ? AND id = ?", {tenant_id, id});
  if (!r) return std::nullopt;
  return ref(*r);
}

std::optional<ApplicationRef> application_of_session(store::Tx& tx, int64_t tenant_id,
                                                     int64_t session_id) {
  auto r = tx.one(std::string(kRefCols) + "WHERE tenant_id = ? AND session_id = ?",
                  {tenant_id, session_id});
  if (!r) return std::nullopt;
  return ref(*r);
}

bool lock_application(store::Tx& tx, int64_t tenant_id, int64_t id) {
  return tx
      .one(std::string("SELECT 1 FROM applications WHERE tenant_id = ? AND id = ?") +
               store::for_update(tx),
           {tenant_id, id})
      .has_value();
}

std::optional<LockedApplication> lock_in_scope(store::Tx& tx, int64_t tenant_id, int64_t id,
                                               const DepartmentScope& scope) {
  store::Params params(1, tenant_id);
  params.emplace_back(std::in_place_type<int64_t>, id);
  std::string sql = "SELECT status, department FROM applications WHERE tenant_id = ? AND id = ?";
  sql += scope_condition(scope, "department", params);
  sql += store::for_update(tx);
  auto r = tx.one(sql, params);
  if (!r) return std::nullopt;
  return LockedApplication{r->str(0), r->str(1)};
}

void set_status(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& status,
                int64_t now) {
  tx.exec("UPDATE applications SET status = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
          {status, now, tenant_id, id});
}

void set_memo(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& memo, int64_t now) {
  tx.exec("UPDATE applications SET memo = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
          {memo, now, tenant_id, id});
}

void set_assignee(store::Tx& tx, int64_t tenant_id, int64_t id, std::optional<int64_t> staff_id,
                  int64_t now) {
  tx.exec("UPDATE applications SET assignee_id = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
          {store::opt(staff_id), now, tenant_id, id});
}

void add_event(store::Tx& tx, int64_t tenant_id, int64_t application_id, int64_t at,
               const std::string& kind, const Json& detail, std::optional<int64_t> staff_id) {
  tx.exec(
      "INSERT INTO application_events(tenant_id, application_id, at, staff_id, kind, detail) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {tenant_id, application_id, at, store::opt(staff_id), kind, detail.dump()});
}

void add_rating(store::Tx& tx, int64_t tenant_id, int64_t service_id,
                std::optional<int64_t> application_id, int score, int64_t at,
                const std::string& step_id) {
  tx.exec(
      "INSERT INTO ratings(tenant_id, service_id, application_id, score, created_at, step_id) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {tenant_id, service_id, store::opt(application_id), int64_t{score}, at, step_id});
}

int lookup_failures(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const std::string& day) {
  auto r = tx.one(
      "SELECT failures FROM lookup_failures WHERE tenant_id = ? AND resident_id = ? AND day = ?",
      {tenant_id, resident_id, day});
  return r ? static_cast<int>(r->i64(0)) : 0;
}

void add_lookup_failure(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                        const std::string& day) {
  tx.exec(
      "INSERT INTO lookup_failures(tenant_id, resident_id, day, failures) VALUES (?, ?, ?, 1) ON "
      "CONFLICT (tenant_id, resident_id, day) DO UPDATE SET failures = lookup_failures.failures "
      "+ 1",
      {tenant_id, resident_id, day});
}

std::optional<int64_t> correction_application(store::Tx& tx, int64_t tenant_id,
                                              int64_t correction_id, int64_t resident_id) {
  auto r = tx.one(
      "SELECT c.application_id FROM corrections c JOIN applications a ON a.id = c.application_id "
      "WHERE c.tenant_id = ? AND c.id = ? AND a.resident_id = ?",
      {tenant_id, correction_id, resident_id});
  if (!r) return std::nullopt;
  return r->i64(0);
}

std::optional<CorrectionRow> correction_by_id(store::Tx& tx, int64_t tenant_id,
                                              int64_t correction_id) {
  auto c = tx.one(
      "SELECT c.application_id, c.step_ids, c.reason, c.status, cs.public_id, cs.status, "
      "a.receipt_number, a.service_id FROM corrections c JOIN applications a ON a.id = "
      "c.application_id LEFT JOIN chat_sessions cs ON cs.id = c.session_id WHERE c.tenant_id = ? "
      "AND c.id = ?",
      {tenant_id, correction_id});
  if (!c) return std::nullopt;
  return CorrectionRow{c->i64(0),     c->i64(7),    parse_stored_json(c->str(1)),
                       c->str(2),     c->str(3),    c->str(6),
                       c->opt_str(4), c->opt_str(5)};
}

void supersede_open_corrections(store::Tx& tx, int64_t tenant_id, int64_t application_id,
                                int64_t now) {
  tx.exec(
      "UPDATE corrections SET status = 'superseded', resolved_at = ? WHERE tenant_id = ? AND "
      "application_id = ? AND status = 'open'",
      {now, tenant_id, application_id});
}

void insert_correction(store::Tx& tx, int64_t tenant_id, int64_t application_id,
                       const std::vector<std::string>& step_ids, const std::string& reason,
                       int64_t session_id, int64_t staff_id, int64_t now) {
  tx.exec(
      "INSERT INTO corrections(tenant_id, application_id, step_ids, reason, status, session_id, "
      "created_by, created_at) VALUES (?, ?, ?, ?, 'open', ?, ?, ?)",
      {tenant_id, application_id, Json(step_ids).dump(), reason, session_id, staff_id, now});
}

void set_correction_session(store::Tx& tx, int64_t tenant_id, int64_t correction_id,
                            int64_t session_id) {
  tx.exec("UPDATE corrections SET session_id = ? WHERE tenant_id = ? AND id = ?",
          {session_id, tenant_id, correction_id});
}

void resolve_correction(store::Tx& tx, int64_t tenant_id, int64_t application_id,
                        int64_t session_id, int64_t now) {
  tx.exec(
      "UPDATE corrections SET status = 'resolved', resolved_at = ? WHERE tenant_id = ? AND "
      "application_id = ? AND session_id = ?",
      {now, tenant_id, application_id, session_id});
}

std::vector<store::Subquery> count_applications_queries(int64_t tenant_id,
                                                        const DepartmentScope& scope) {
  // From the per-status counters the triggers of migration 42 keep: a few rows per department
  // instead of a scan of the tenant's applications.
  store::Subquery total{
      "(SELECT COALESCE(SUM(n), 0) FROM application_status_counts WHERE tenant_id = ?",
      {tenant_id}};
  total.sql += scope_condition(scope, "department", total.params) + ")";
  store::Subquery open{
      "(SELECT COALESCE(SUM(n), 0) FROM application_status_counts WHERE tenant_id = ? AND status "
      "IN ('new','in_progress')",
      {tenant_id}};
  open.sql += scope_condition(scope, "department", open.params) + ")";
  return {total, open};
}

ApplicationCounts count_applications(store::Tx& tx, int64_t tenant_id,
                                     const DepartmentScope& scope) {
  auto v = store::scalars(tx, count_applications_queries(tenant_id, scope));
  return {v[0], v[1]};
}

}  // namespace mg::applications::sql
