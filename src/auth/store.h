#pragma once
// SQL for tenants, staff, sessions and the audit log. No rules here.
#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "auth/throttle.h"
#include "store/db.h"

namespace mg::auth::sql {

struct StaffRow {
  int64_t id = 0, tenant_id = 0;
  std::string email, name, password_hash, role, department;
  // throttled_until: the account's login throttle (list_staff only; 0 elsewhere).
  int64_t throttled_until = 0, created_at = 0;
  int64_t deactivated_at = 0;            // 0: active
  std::vector<std::string> departments;  // sorted; `department` is the first (or "")
};

std::optional<Tenant> tenant_by_code(store::Tx& tx, const std::string& code);
std::optional<Tenant> tenant_by_id(store::Tx& tx, int64_t id);
int64_t insert_tenant(store::Tx& tx, const Tenant& t);

std::optional<StaffRow> staff_by_email(store::Tx& tx, int64_t tenant_id, const std::string& email);
std::optional<StaffRow> staff_by_id(store::Tx& tx, int64_t tenant_id, int64_t id);
std::vector<StaffRow> list_staff(store::Tx& tx, int64_t tenant_id);
int64_t count_staff(store::Tx& tx, int64_t tenant_id);
store::Subquery count_staff_query(int64_t tenant_id);
int64_t department_id(store::Tx& tx, int64_t tenant_id, const std::string& name);  // get or create
// The staff member's departments, sorted by name.
std::vector<std::string> staff_departments(store::Tx& tx, int64_t tenant_id, int64_t staff_id);
// Replaces them; staff.department_id becomes the first (the column older code reads).
void set_staff_departments(store::Tx& tx, int64_t tenant_id, int64_t staff_id,
                           const std::vector<std::string>& names);
// Every department name the tenant uses: staff's and services' (the console offers these).
std::vector<std::string> known_departments(store::Tx& tx, int64_t tenant_id);
int64_t insert_staff(store::Tx& tx, int64_t tenant_id, const std::string& email,
                     const std::string& name, const std::string& hash, const std::string& role,
                     std::optional<int64_t> department_id);
// Locks the row on PostgreSQL, so concurrent edits of one account serialise.
std::optional<StaffRow> lock_staff(store::Tx& tx, int64_t tenant_id, int64_t id);
void update_staff(store::Tx& tx, const StaffRow& s, std::optional<int64_t> department_id);
void set_password_hash(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& hash);
// Active admins of the tenant, rows locked on PostgreSQL (the last-admin rule).
std::vector<int64_t> lock_active_admins(store::Tx& tx, int64_t tenant_id);

// Login throttle rows, keyed by (scope, tenant, subject): scope "account" with the tenant
// code and lower-cased e-mail as typed (known or not), scope "address" with "" and the
// client address.
ThrottleState lock_throttle(store::Tx& tx, const std::string& scope, const std::string& tenant,
                            const std::string& subject);  // creates the row; row-locked on PG
void save_throttle(store::Tx& tx, const std::string& scope, const std::string& tenant,
                   const std::string& subject, const ThrottleState& s);
void clear_throttle(store::Tx& tx, const std::string& scope, const std::string& tenant,
                    const std::string& subject);
// Forgets rows whose last attempt is older than `before` (they would start from zero anyway).
void purge_throttle(store::Tx& tx, int64_t before);

void insert_session(store::Tx& tx, const std::string& token_hash, int64_t tenant_id,
                    int64_t staff_id, const std::string& csrf, int64_t expires_at);
std::optional<store::Row> session_with_staff(store::Tx& tx, const std::string& token_hash);
void delete_session(store::Tx& tx, const std::string& token_hash);
// Ends every session of one staff member except `keep_hash` (the caller's own, or "").
void delete_staff_sessions(store::Tx& tx, int64_t tenant_id, int64_t staff_id,
                           const std::string& keep_hash);
void extend_session(store::Tx& tx, const std::string& token_hash, int64_t expires_at);

void insert_audit(store::Tx& tx, int64_t tenant_id, std::optional<int64_t> staff_id,
                  const std::string& action, const std::string& object_type,
                  const std::string& object_id, const std::string& ip, const Json& detail);
std::vector<store::Row> list_audit(store::Tx& tx, int64_t tenant_id, int64_t before_id,
                                   int64_t limit);

}  // namespace mg::auth::sql
