#include "auth/store.h"

#include <map>

#include "core/clock.h"
#include "core/json_parse.h"

namespace mg::auth::sql {

namespace {
constexpr const char* kStaffCols =
    "s.id, s.tenant_id, s.email, s.name, s.password_hash, s.role, COALESCE(d.name, ''), "
    "0, s.created_at, s.deactivated_at";

StaffRow to_staff(const store::Row& r) {
  return {r.i64(0), r.i64(1), r.str(2), r.str(3), r.str(4), r.str(5),
          r.str(6), r.i64(7), r.i64(8), r.i64(9), {}};
}

Tenant to_tenant(const store::Row& r) {
  Tenant t;
  t.id = r.i64(0);
  t.code = r.str(1);
  t.name = r.str(2);
  t.lg_code = r.str(3);
  t.settings = parse_stored_json(r.str(4));
  if (t.settings.is_discarded()) t.settings = Json::object();
  return t;
}
}  // namespace

std::optional<Tenant> tenant_by_code(store::Tx& tx, const std::string& code) {
  auto r = tx.one("SELECT id, code, name, lg_code, settings FROM tenants WHERE code = ?", {code});
  if (!r) return std::nullopt;
  return to_tenant(*r);
}

std::optional<Tenant> tenant_by_id(store::Tx& tx, int64_t id) {
  auto r = tx.one("SELECT id, code, name, lg_code, settings FROM tenants WHERE id = ?", {id});
  if (!r) return std::nullopt;
  return to_tenant(*r);
}

int64_t insert_tenant(store::Tx& tx, const Tenant& t) {
  return tx.insert_id(
      "INSERT INTO tenants(code, name, lg_code, settings, created_at) VALUES (?, ?, ?, ?, ?) "
      "RETURNING id",
      {t.code, t.name, t.lg_code, t.settings.dump(), clock::now_ms()});
}

std::optional<StaffRow> staff_by_email(store::Tx& tx, int64_t tenant_id, const std::string& email) {
  auto r = tx.one(std::string("SELECT ") + kStaffCols +
                      " FROM staff s LEFT JOIN departments d ON d.id = s.department_id "
                      "WHERE s.tenant_id = ? AND s.email = ?",
                  {tenant_id, email});
  if (!r) return std::nullopt;
  auto s = to_staff(*r);
  s.departments = staff_departments(tx, tenant_id, s.id);
  return s;
}

store::Subquery count_staff_query(int64_t tenant_id) {
  return {"(SELECT COUNT(*) FROM staff WHERE tenant_id = ?)", {tenant_id}};
}

int64_t count_staff(store::Tx& tx, int64_t tenant_id) {
  return store::scalars(tx, {count_staff_query(tenant_id)})[0];
}

std::optional<StaffRow> staff_by_id(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto r = tx.one(std::string("SELECT ") + kStaffCols +
                      " FROM staff s LEFT JOIN departments d ON d.id = s.department_id "
                      "WHERE s.tenant_id = ? AND s.id = ?",
                  {tenant_id, id});
  if (!r) return std::nullopt;
  auto s = to_staff(*r);
  s.departments = staff_departments(tx, tenant_id, id);
  return s;
}

std::vector<StaffRow> list_staff(store::Tx& tx, int64_t tenant_id) {
  std::vector<StaffRow> out;
  for (const auto& r :
       tx.query("SELECT s.id, s.tenant_id, s.email, s.name, s.password_hash, s.role, "
                "COALESCE(d.name, ''), COALESCE(lt.next_at, 0), s.created_at, s.deactivated_at "
                "FROM staff s "
                "JOIN tenants t ON t.id = s.tenant_id "
                "LEFT JOIN departments d ON d.id = s.department_id "
                "LEFT JOIN login_throttle lt ON lt.scope = 'account' AND lt.tenant = t.code AND "
                "lt.subject = s.email WHERE s.tenant_id = ? ORDER BY s.id",
                {tenant_id}))
    out.push_back(to_staff(r));
  std::map<int64_t, std::vector<std::string>> depts;
  for (const auto& r :
       tx.query("SELECT sd.staff_id, d.name FROM staff_departments sd JOIN departments d ON d.id = "
                "sd.department_id WHERE sd.tenant_id = ? ORDER BY d.name",
                {tenant_id}))
    depts[r.i64(0)].push_back(r.str(1));
  for (auto& s : out) s.departments = depts[s.id];
  return out;
}

std::vector<std::string> staff_departments(store::Tx& tx, int64_t tenant_id, int64_t staff_id) {
  std::vector<std::string> out;
  for (const auto& r : tx.query(
           "SELECT d.name FROM staff_departments sd JOIN departments d ON d.id = sd.department_id "
           "WHERE sd.tenant_id = ? AND sd.staff_id = ? ORDER BY d.name",
           {tenant_id, staff_id}))
    out.push_back(r.str(0));
  return out;
}

void set_staff_departments(store::Tx& tx, int64_t tenant_id, int64_t staff_id,
                           const std::vector<std::string>& names) {
  tx.exec("DELETE FROM staff_departments WHERE tenant_id = ? AND staff_id = ?",
          {tenant_id, staff_id});
  std::optional<int64_t> first;
  for (const auto& n : names) {
    int64_t id = department_id(tx, tenant_id, n);
    if (!first) first = id;
    tx.exec(
        "INSERT INTO staff_departments(tenant_id, staff_id, department_id) VALUES (?, ?, ?) ON "
        "CONFLICT DO NOTHING",
        {tenant_id, staff_id, id});
  }
  tx.exec("UPDATE staff SET department_id = ? WHERE tenant_id = ? AND id = ?",
          {store::opt(first), tenant_id, staff_id});
}

std::vector<std::string> known_departments(store::Tx& tx, int64_t tenant_id) {
  std::vector<std::string> out;
  for (const auto& r : tx.query(
           "SELECT name FROM departments WHERE tenant_id = ? UNION SELECT department FROM services "
           "WHERE tenant_id = ? AND department <> '' ORDER BY 1",
           {tenant_id, tenant_id}))
    out.push_back(r.str(0));
  return out;
}

int64_t department_id(store::Tx& tx, int64_t tenant_id, const std::string& name) {
  tx.exec("INSERT INTO departments(tenant_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING",
          {tenant_id, name});
  return tx.one("SELECT id FROM departments WHERE tenant_id = ? AND name = ?", {tenant_id, name})
      ->i64(0);
}

int64_t insert_staff(store::Tx& tx, int64_t tenant_id, const std::string& email,
                     const std::string& name, const std::string& hash, const std::string& role,
                     std::optional<int64_t> department_id) {
  return tx.insert_id(
      "INSERT INTO staff(tenant_id, email, name, password_hash, role, department_id, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {tenant_id, email, name, hash, role, store::opt(department_id), clock::now_ms()});
}

std::optional<StaffRow> lock_staff(store::Tx& tx, int64_t tenant_id, int64_t id) {
  // FOR UPDATE cannot lock the nullable side of the outer join, so lock the staff row first.
  if (!tx.one(std::string("SELECT id FROM staff WHERE tenant_id = ? AND id = ?") +
                  store::for_update(tx),
              {tenant_id, id}))
    return std::nullopt;
  return staff_by_id(tx, tenant_id, id);
}

void update_staff(store::Tx& tx, const StaffRow& s, std::optional<int64_t> department_id) {
  tx.exec(
      "UPDATE staff SET name = ?, role = ?, department_id = ?, deactivated_at = ? WHERE "
      "tenant_id = ? AND id = ?",
      {s.name, s.role, store::opt(department_id), s.deactivated_at, s.tenant_id, s.id});
}

void set_password_hash(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& hash) {
  tx.exec("UPDATE staff SET password_hash = ? WHERE tenant_id = ? AND id = ?",
          {hash, tenant_id, id});
}

std::vector<int64_t> lock_active_admins(store::Tx& tx, int64_t tenant_id) {
  std::vector<int64_t> out;
  for (const auto& r :
       tx.query(std::string("SELECT id FROM staff WHERE tenant_id = ? AND role = 'admin' AND "
                            "deactivated_at = 0 ORDER BY id") +
                    store::for_update(tx),
                {tenant_id}))
    out.push_back(r.i64(0));
  return out;
}

ThrottleState lock_throttle(store::Tx& tx, const std::string& scope, const std::string& tenant,
                            const std::string& subject) {
  tx.exec(
      "INSERT INTO login_throttle(scope, tenant, subject, failures, last_at, next_at) "
      "VALUES (?, ?, ?, 0, 0, 0) ON CONFLICT DO NOTHING",
      {scope, tenant, subject});
  auto r = tx.one(std::string("SELECT failures, last_at, next_at FROM login_throttle WHERE "
                              "scope = ? AND tenant = ? AND subject = ?") +
                      store::for_update(tx),
                  {scope, tenant, subject});
  if (!r) return {};
  return {r->i64(0), r->i64(1), r->i64(2)};
}

void save_throttle(store::Tx& tx, const std::string& scope, const std::string& tenant,
                   const std::string& subject, const ThrottleState& s) {
  tx.exec(
      "UPDATE login_throttle SET failures = ?, last_at = ?, next_at = ? WHERE scope = ? AND "
      "tenant = ? AND subject = ?",
      {s.failures, s.last_at, s.next_at, scope, tenant, subject});
}

void clear_throttle(store::Tx& tx, const std::string& scope, const std::string& tenant,
                    const std::string& subject) {
  tx.exec("DELETE FROM login_throttle WHERE scope = ? AND tenant = ? AND subject = ?",
          {scope, tenant, subject});
}

void purge_throttle(store::Tx& tx, int64_t before) {
  tx.exec("DELETE FROM login_throttle WHERE last_at < ?", {before});
}

void insert_session(store::Tx& tx, const std::string& token_hash, int64_t tenant_id,
                    int64_t staff_id, const std::string& csrf, int64_t expires_at) {
  tx.exec(
      "INSERT INTO staff_sessions(token_hash, tenant_id, staff_id, csrf_token, created_at, "
      "expires_at) VALUES (?, ?, ?, ?, ?, ?)",
      {token_hash, tenant_id, staff_id, csrf, clock::now_ms(), expires_at});
}

std::optional<store::Row> session_with_staff(store::Tx& tx, const std::string& token_hash) {
  return tx.one(
      "SELECT ss.tenant_id, ss.staff_id, ss.csrf_token, ss.expires_at, s.email, s.name, s.role, "
      "COALESCE(d.name, '') FROM staff_sessions ss JOIN staff s ON s.id = "
      "ss.staff_id AND s.tenant_id = ss.tenant_id LEFT JOIN departments d ON d.id = "
      "s.department_id WHERE ss.token_hash = ? AND s.deactivated_at = 0",
      {token_hash});
}

void delete_session(store::Tx& tx, const std::string& token_hash) {
  tx.exec("DELETE FROM staff_sessions WHERE token_hash = ?", {token_hash});
}

void delete_staff_sessions(store::Tx& tx, int64_t tenant_id, int64_t staff_id,
                           const std::string& keep_hash) {
  tx.exec("DELETE FROM staff_sessions WHERE tenant_id = ? AND staff_id = ? AND token_hash <> ?",
          {tenant_id, staff_id, keep_hash});
}

void extend_session(store::Tx& tx, const std::string& token_hash, int64_t expires_at) {
  tx.exec("UPDATE staff_sessions SET expires_at = ? WHERE token_hash = ?",
          {expires_at, token_hash});
}

void insert_audit(store::Tx& tx, int64_t tenant_id, std::optional<int64_t> staff_id,
                  const std::string& action, const std::string& object_type,
                  const std::string& object_id, const std::string& ip, const Json& detail) {
  tx.exec(
      "INSERT INTO audit_log(tenant_id, staff_id, at, action, object_type, object_id, ip, detail) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {tenant_id, store::opt(staff_id), clock::now_ms(), action, object_type, object_id, ip,
       detail.dump()});
}

std::vector<store::Row> list_audit(store::Tx& tx, int64_t tenant_id, int64_t before_id,
                                   int64_t limit) {
  return tx.query(
      "SELECT a.id, a.at, COALESCE(s.email, ''), a.action, a.object_type, a.object_id, a.ip, "
      "a.detail FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id WHERE a.tenant_id = ? AND "
      "a.id < ? ORDER BY a.id DESC LIMIT ?",
      {tenant_id, before_id, limit});
}

}  // namespace mg::auth::sql
