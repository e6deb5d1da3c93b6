#pragma once
// Staff authentication and authorisation rules: login with throttling, cookie sessions with a
// CSRF token, role checks, and the audit log every staff write goes through.
#include <atomic>
#include <optional>
#include <string>

#include "auth/model.h"
#include "auth/store.h"
#include "core/errors.h"
#include "core/http.h"
#include "store/db.h"

namespace mg::auth {

constexpr const char* kSessionCookie = "mg_session";
constexpr int64_t kSessionMs = 8 * 3600 * 1000;  // one working day

// 429 for a throttled login; the route adds Retry-After.
class LoginThrottled : public ApiError {
 public:
  explicit LoginThrottled(int64_t retry_after_s);
  int64_t retry_after_s() const { return retry_after_s_; }

 private:
  int64_t retry_after_s_;
};

// An admin's edit of one staff account; unset fields stay as they are.
struct StaffChange {
  std::optional<std::string> name, role;
  std::optional<std::vector<std::string>> departments;
  std::optional<bool> active;
};

struct LoginResult {
  std::string session_token;  // raw; only its hash is stored
  Principal principal;
  Tenant tenant;
};

class AuthService {
 public:
  explicit AuthService(store::Db& db, bool secure_cookies = false)
      : db_(db), secure_cookies_(secure_cookies) {}

  // Throws ApiError 401 bad_credentials or LoginThrottled (429). The same answers, and the
  // same work (a throttle reservation, one argon2 check, one write), for an unknown tenant,
  // unknown e-mail or wrong password, so accounts cannot be probed. A throttled account's
  // existing sessions keep working: throttling only slows new password guesses.
  LoginResult login(const std::string& tenant_code, const std::string& email,
                    const std::string& password, const std::string& ip);
  void logout(const http::Request& req);

  // The staff member behind the request, or ApiError 401. For anything but GET/HEAD the
  // X-CSRF-Token header must match the session's token (403 csrf). Then the role check
  // (403 forbidden).
  Principal require(const http::Request& req, Role min_role = Role::viewer);
  std::optional<Principal> current(const http::Request& req);

  std::string session_cookie(const std::string& token, int64_t max_age_s) const;

  Tenant tenant(int64_t id);
  std::optional<Tenant> tenant_by_code(const std::string& code);
  // The same inside the caller's transaction (a public route reading the tenant and the
  // resident in one).
  std::optional<Tenant> tenant_by_code(store::Tx& tx, const std::string& code) const;
  Tenant create_tenant(const std::string& code, const std::string& name,
                       const std::string& lg_code);
  // Lets the account log in again at once (admin action); the audit rows stay.
  void clear_login_throttle(store::Tx& tx, int64_t tenant_id, const std::string& email);
  // Validates e-mail, password and role; ApiError 400/409 on problems. E-mails are stored
  // lower-cased, so addresses differing only in case are the same account.
  int64_t create_staff(store::Tx& tx, int64_t tenant_id, const std::string& email,
                       const std::string& name, const std::string& password,
                       const std::string& role, const std::string& department);
  int64_t create_staff(store::Tx& tx, int64_t tenant_id, const std::string& email,
                       const std::string& name, const std::string& password,
                       const std::string& role, const std::vector<std::string>& departments);

  // Admin edits of one account of the admin's tenant (404 otherwise), audited. Deactivating
  // ends the account's sessions. 409 last_admin when the change would leave the tenant
  // without an active admin.
  sql::StaffRow update_staff(const Principal& by, int64_t id, const StaffChange& change);
  // An admin sets a new password (the password rule applies); all the account's sessions end.
  void reset_password(const Principal& by, int64_t id, const std::string& password);
  // The staff member's own change: the current password is required; their other sessions
  // end, the one making the change stays.
  void change_own_password(const http::Request& req, const Principal& p, const std::string& current,
                           const std::string& next);

 private:
  store::Db& db_;
  bool secure_cookies_;
  std::atomic<uint64_t> attempts_{0};  // to purge stale throttle rows now and then
};

// Trims, drops blanks and duplicates, sorts; ApiError 400 (field "departments") for a name
// over 100 bytes or more than 20 names.
std::vector<std::string> normalize_departments(const std::vector<std::string>& names);

// Writes one audit row inside the caller's transaction.
void audit(store::Tx& tx, const Principal& who, const std::string& action,
           const std::string& object_type, const std::string& object_id,
           const Json& detail = Json::object());

}  // namespace mg::auth
