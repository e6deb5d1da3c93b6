#include "auth/service.h"

#include <algorithm>
#include <regex>

#include "auth/password.h"
#include "auth/store.h"
#include "auth/throttle.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/errors.h"
#include "core/metrics.h"

namespace mg::auth {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Verifying against a fixed hash when the account does not exist keeps timing uniform.
const std::string& dummy_hash() {
  static const std::string h = hash_password("not-a-real-password-0000");
  return h;
}

bool valid_email(const std::string& e) {
  static const std::regex re(R"(^[^@\s]+@[^@\s]+\.[^@\s]+$)");
  return e.size() <= 254 && std::regex_match(e, re);
}
}  // namespace

LoginThrottled::LoginThrottled(int64_t retry_after_s)
    : ApiError(429, "too_many_attempts",
               "ログインの失敗が続いたため、しばらくログインを受け付けません。" +
                   (retry_after_s < 60 ? std::to_string(retry_after_s) + "秒"
                                       : "約" + std::to_string((retry_after_s + 59) / 60) + "分") +
                   "後にもう一度お試しください"),
      retry_after_s_(retry_after_s) {
  with_details({{"retry_after", retry_after_s}});
}

namespace {
// Per account (known or not): 5 free failures, then 1 s, 2 s, 4 s … up to 15 minutes.
constexpr ThrottleRule kAccountThrottle{5, 15 * 60 * 1000, 60 * 60 * 1000};
// Per client address, across accounts (password spraying). More free failures, since a
// town hall's staff often share one address.
constexpr ThrottleRule kAddressThrottle{50, 15 * 60 * 1000, 60 * 60 * 1000};

constexpr const char* kAccount = "account";
constexpr const char* kAddress = "address";

struct Reservation {
  int64_t wait_ms = 0;  // > 0: throttled, nothing was counted
  int64_t failures = 0;
  std::optional<Tenant> tenant;
  std::optional<sql::StaffRow> staff;
};
}  // namespace

LoginResult AuthService::login(const std::string& tenant_code, const std::string& email,
                               const std::string& password, const std::string& ip) {
  auto bad =
      ApiError(401, "bad_credentials", "団体コード、メールアドレスまたはパスワードが違います");
  const std::string tenant_key = lower(tenant_code), email_key = lower(email);
  bool purge = attempts_.fetch_add(1, std::memory_order_relaxed) % 128 == 0;
  // Count the attempt before checking the password, in one short transaction, so that
  // parallel guesses cannot all pass the check; argon2 then runs outside any transaction.
  auto r = db_.write([&](store::Tx& tx) {
    Reservation out;
    if (purge)
      sql::purge_throttle(
          tx, clock::now_ms() - std::max(kAccountThrottle.quiet_ms, kAddressThrottle.quiet_ms));
    auto account = sql::lock_throttle(tx, kAccount, tenant_key, email_key);
    auto address = sql::lock_throttle(tx, kAddress, "", ip);
    // Read the clock only once the rows are locked: a transaction that waited for the lock
    // must not see the previous holder's "now" as a time in its future.
    int64_t now = clock::now_ms();
    out.wait_ms = std::max(throttle_wait_ms(account, now), throttle_wait_ms(address, now));
    if (out.wait_ms > 0) return out;
    account = throttle_count(kAccountThrottle, account, now);
    sql::save_throttle(tx, kAccount, tenant_key, email_key, account);
    sql::save_throttle(tx, kAddress, "", ip, throttle_count(kAddressThrottle, address, now));
    out.failures = account.failures;
    out.tenant = sql::tenant_by_code(tx, tenant_key);
    if (out.tenant) out.staff = sql::staff_by_email(tx, out.tenant->id, email_key);
    return out;
  });
  if (r.wait_ms > 0) {
    metrics::count("madoguchi_login_attempts_total", "result=\"throttled\"");
    throw LoginThrottled(retry_after_seconds(r.wait_ms));
  }

  // Unknown accounts are checked against a fixed hash, so both take the same time.
  // A deactivated account gets the same answer as a wrong password, after the same work.
  bool ok = verify_password(r.staff ? r.staff->password_hash : dummy_hash(), password) &&
            r.staff.has_value() && r.staff->deactivated_at == 0;
  metrics::count("madoguchi_login_attempts_total",
                 ok ? "result=\"success\"" : "result=\"failure\"");
  if (!ok) {
    if (r.tenant) {
      db_.write([&](store::Tx& tx) {
        std::optional<int64_t> staff_id;
        if (r.staff) staff_id = r.staff->id;
        sql::insert_audit(tx, r.tenant->id, staff_id, "login_failed", "staff",
                          r.staff ? std::to_string(r.staff->id) : std::string(), ip,
                          {{"failures", r.failures}});
      });
    }
    throw bad;
  }
  const auto& tenant = *r.tenant;
  const auto& staff = *r.staff;
  LoginResult res;
  res.session_token = crypto::random_token(32);
  res.tenant = tenant;
  res.principal = {staff.id,
                   tenant.id,
                   staff.email,
                   staff.name,
                   *parse_role(staff.role),
                   staff.department,
                   crypto::random_token(24),
                   ip,
                   staff.departments};
  db_.write([&](store::Tx& tx) {
    int64_t now = clock::now_ms();
    sql::clear_throttle(tx, kAccount, tenant_key, email_key);
    // The reservation counted this attempt against the address as if it failed; take it back.
    auto address = sql::lock_throttle(tx, kAddress, "", ip);
    sql::save_throttle(tx, kAddress, "", ip, throttle_forgive(kAddressThrottle, address));
    sql::insert_session(tx, crypto::sha256_hex(res.session_token), tenant.id, staff.id,
                        res.principal.csrf_token, now + kSessionMs);
    sql::insert_audit(tx, tenant.id, staff.id, "login", "staff", std::to_string(staff.id), ip,
                      Json::object());
  });
  return res;
}

void AuthService::clear_login_throttle(store::Tx& tx, int64_t tenant_id, const std::string& email) {
  if (auto t = sql::tenant_by_id(tx, tenant_id))
    sql::clear_throttle(tx, kAccount, lower(t->code), lower(email));
}

void AuthService::logout(const http::Request& req) {
  auto p = require(req);
  auto token = req.cookie(kSessionCookie);
  db_.write([&](store::Tx& tx) {
    sql::delete_session(tx, crypto::sha256_hex(*token));
    audit(tx, p, "logout", "staff", std::to_string(p.staff_id));
  });
}

std::optional<Principal> AuthService::current(const http::Request& req) {
  auto token = req.cookie(kSessionCookie);
  if (!token || token->empty() || token->size() > 128) return std::nullopt;
  std::string hash = crypto::sha256_hex(*token);
  std::vector<std::string> departments;
  auto row = db_.read([&](store::Tx& tx) {
    auto r = sql::session_with_staff(tx, hash);
    // In the same snapshot as the role: the scope and the role always belong together.
    if (r) departments = sql::staff_departments(tx, r->i64(0), r->i64(1));
    return r;
  });
  int64_t now = clock::now_ms();
  if (!row || row->i64(3) < now) return std::nullopt;
  auto role = parse_role(row->str(6));
  if (!role) return std::nullopt;
  Principal p{row->i64(1), row->i64(0), row->str(4),     row->str(5),           *role,
              row->str(7), row->str(2), req.remote_addr, std::move(departments)};
  return p;
}

Principal AuthService::require(const http::Request& req, Role min_role) {
  auto p = current(req);
  if (!p) throw ApiError::unauthorized();
  if (req.method != "GET" && req.method != "HEAD") {
    auto sent = req.header("x-csrf-token");
    if (!sent || !crypto::constant_time_equal(*sent, p->csrf_token))
      throw ApiError(403, "csrf", "画面を再読み込みしてからもう一度お試しください (CSRF)");
  }
  if (!p->at_least(min_role)) throw ApiError::forbidden();
  return *p;
}

std::string AuthService::session_cookie(const std::string& token, int64_t max_age_s) const {
  return std::string(kSessionCookie) + "=" + token +
         "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age_s) +
         (secure_cookies_ ? "; Secure" : "");
}

Tenant AuthService::tenant(int64_t id) {
  auto t = db_.read([&](store::Tx& tx) { return sql::tenant_by_id(tx, id); });
  if (!t) throw ApiError::not_found();
  return *t;
}

std::optional<Tenant> AuthService::tenant_by_code(const std::string& code) {
  return db_.read([&](store::Tx& tx) { return sql::tenant_by_code(tx, code); });
}

std::optional<Tenant> AuthService::tenant_by_code(store::Tx& tx, const std::string& code) const {
  return sql::tenant_by_code(tx, code);
}

Tenant AuthService::create_tenant(const std::string& code, const std::string& name,
                                  const std::string& lg_code) {
  static const std::regex code_re("^[a-z0-9][a-z0-9-]{1,31}$");
  if (!std::regex_match(code, code_re))
    throw ApiError::bad_request("団体コードは英小文字・数字・ハイフンで2〜32文字です", "code");
  if (name.empty()) throw ApiError::bad_request("自治体名を入力してください", "name");
  Tenant t;
  t.code = code;
  t.name = name;
  t.lg_code = lg_code;
  // Receipt numbers scramble the application id with this secret, so they reveal neither
  // volumes nor neighbours' numbers.
  t.settings["receipt_salt"] = crypto::random_token(16);
  try {
    t.id = db_.write([&](store::Tx& tx) { return sql::insert_tenant(tx, t); });
  } catch (const store::UniqueViolation&) {
    throw ApiError::conflict("この団体コードは使われています", "code");
  }
  return t;
}

std::vector<std::string> normalize_departments(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (auto n : names) {
    // Trim ASCII and ideographic spaces, which staff type around 課 names.
    auto blank_at_front = [&] {
      return !n.empty() && (n[0] == ' ' || n[0] == '\t' || n.rfind("\xE3\x80\x80", 0) == 0);
    };
    while (blank_at_front()) n.erase(0, n[0] == ' ' || n[0] == '\t' ? 1 : 3);
    for (;;) {
      if (!n.empty() && (n.back() == ' ' || n.back() == '\t'))
        n.pop_back();
      else if (n.size() >= 3 && n.compare(n.size() - 3, 3, "\xE3\x80\x80") == 0)
        n.resize(n.size() - 3);
      else
        break;
    }
    if (n.empty()) continue;
    if (n.size() > 100) throw ApiError::bad_request("所属の名前が長すぎます", "departments");
    out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.size() > 20) throw ApiError::bad_request("所属は20まで指定できます", "departments");
  return out;
}

int64_t AuthService::create_staff(store::Tx& tx, int64_t tenant_id, const std::string& email,
                                  const std::string& name, const std::string& password,
                                  const std::string& role, const std::string& department) {
  return create_staff(tx, tenant_id, email, name, password, role,
                      std::vector<std::string>{department});
}

int64_t AuthService::create_staff(store::Tx& tx, int64_t tenant_id, const std::string& email,
                                  const std::string& name, const std::string& password,
                                  const std::string& role,
                                  const std::vector<std::string>& departments) {
  if (!valid_email(email))
    throw ApiError::bad_request("メールアドレスの形式が正しくありません", "email");
  if (auto why = password_problem(password); !why.empty())
    throw ApiError::bad_request(why, "password");
  if (!parse_role(role)) throw ApiError::bad_request("役割が正しくありません", "role");
  if (name.size() > 200) throw ApiError::bad_request("名前が長すぎます", "name");
  auto depts = normalize_departments(departments);
  try {
    int64_t id =
        sql::insert_staff(tx, tenant_id, lower(email), name, hash_password(password), role, {});
    sql::set_staff_departments(tx, tenant_id, id, depts);
    return id;
  } catch (const store::UniqueViolation&) {
    throw ApiError::conflict("このメールアドレスの職員は登録済みです", "email");
  }
}

namespace {
bool is_active_admin(const sql::StaffRow& s) { return s.role == "admin" && s.deactivated_at == 0; }
}  // namespace

sql::StaffRow AuthService::update_staff(const Principal& by, int64_t id,
                                        const StaffChange& change) {
  if (change.name && change.name->size() > 200)
    throw ApiError::bad_request("氏名が長すぎます", "name");
  if (change.role && !parse_role(*change.role))
    throw ApiError::bad_request("権限が正しくありません", "role");
  std::optional<std::vector<std::string>> depts;
  if (change.departments) depts = normalize_departments(*change.departments);
  return db_.write([&](store::Tx& tx) {
    auto before = sql::lock_staff(tx, by.tenant_id, id);
    if (!before) throw ApiError::not_found();
    auto after = *before;
    if (change.name) after.name = *change.name;
    if (change.role) after.role = *change.role;
    if (depts) {
      after.departments = *depts;
      after.department = depts->empty() ? "" : depts->front();
    }
    if (change.active) after.deactivated_at = *change.active ? 0 : clock::now_ms();
    if (change.active && *change.active == (before->deactivated_at == 0))
      after.deactivated_at = before->deactivated_at;  // no change, keep the original time
    if (is_active_admin(*before) && !is_active_admin(after)) {
      auto admins = sql::lock_active_admins(tx, by.tenant_id);
      bool another = std::any_of(admins.begin(), admins.end(), [&](int64_t a) { return a != id; });
      if (!another)
        throw ApiError(409, "last_admin",
                       "有効な管理者がほかにいないため、この職員の無効化や権限の変更はできません。"
                       "先に別の職員を管理者にしてください",
                       change.active && !*change.active ? "active" : "role");
    }
    std::optional<int64_t> dept;
    if (!after.department.empty()) dept = sql::department_id(tx, by.tenant_id, after.department);
    sql::update_staff(tx, after, dept);
    if (after.departments != before->departments)
      sql::set_staff_departments(tx, by.tenant_id, id, after.departments);
    Json detail = Json::object();
    if (after.name != before->name) detail["name"] = true;  // names are personal data
    if (after.role != before->role) detail["role"] = {before->role, after.role};
    if (after.department != before->department)
      detail["department"] = {before->department, after.department};
    if (after.departments != before->departments)
      detail["departments"] = {before->departments, after.departments};
    if (detail.size() > 0) audit(tx, by, "staff.update", "staff", std::to_string(id), detail);
    if (before->deactivated_at == 0 && after.deactivated_at != 0) {
      sql::delete_staff_sessions(tx, by.tenant_id, id, "");
      audit(tx, by, "staff.deactivate", "staff", std::to_string(id));
    } else if (before->deactivated_at != 0 && after.deactivated_at == 0) {
      audit(tx, by, "staff.reactivate", "staff", std::to_string(id));
    }
    return after;
  });
}

void AuthService::reset_password(const Principal& by, int64_t id, const std::string& password) {
  if (auto why = password_problem(password); !why.empty())
    throw ApiError::bad_request(why, "password");
  auto hash = hash_password(password);  // argon2 outside the transaction
  db_.write([&](store::Tx& tx) {
    if (!sql::lock_staff(tx, by.tenant_id, id)) throw ApiError::not_found();
    sql::set_password_hash(tx, by.tenant_id, id, hash);
    sql::delete_staff_sessions(tx, by.tenant_id, id, "");
    audit(tx, by, "staff.password_reset", "staff", std::to_string(id));
  });
}

void AuthService::change_own_password(const http::Request& req, const Principal& p,
                                      const std::string& current, const std::string& next) {
  // Wrong current passwords count against the account's login throttle, so a stolen session
  // cannot be used to guess the password faster than the login form allows.
  std::string tenant_key;
  int64_t wait_ms = 0;
  auto me = db_.write([&](store::Tx& tx) {
    auto t = sql::tenant_by_id(tx, p.tenant_id);
    auto row = sql::staff_by_id(tx, p.tenant_id, p.staff_id);
    if (!t || !row) throw ApiError::unauthorized();
    tenant_key = lower(t->code);
    auto account = sql::lock_throttle(tx, kAccount, tenant_key, row->email);
    int64_t now = clock::now_ms();
    wait_ms = throttle_wait_ms(account, now);
    if (wait_ms == 0)
      sql::save_throttle(tx, kAccount, tenant_key, row->email,
                         throttle_count(kAccountThrottle, account, now));
    return *row;
  });
  if (wait_ms > 0) throw LoginThrottled(retry_after_seconds(wait_ms));
  if (!verify_password(me.password_hash, current)) {
    db_.write([&](store::Tx& tx) {
      audit(tx, p, "staff.password_change_failed", "staff", std::to_string(p.staff_id));
    });
    throw ApiError::bad_request("現在のパスワードが違います", "current_password");
  }
  db_.write([&](store::Tx& tx) { sql::clear_throttle(tx, kAccount, tenant_key, me.email); });
  if (auto why = password_problem(next); !why.empty())
    throw ApiError::bad_request(why, "new_password");
  auto hash = hash_password(next);
  auto token = req.cookie(kSessionCookie);
  db_.write([&](store::Tx& tx) {
    auto locked = sql::lock_staff(tx, p.tenant_id, p.staff_id);
    // Changed meanwhile (an admin reset, another session): the check above is stale.
    if (!locked || locked->password_hash != me.password_hash)
      throw ApiError::conflict("パスワードが別の操作で変更されました。もう一度お試しください");
    sql::set_password_hash(tx, p.tenant_id, p.staff_id, hash);
    sql::delete_staff_sessions(tx, p.tenant_id, p.staff_id,
                               token ? crypto::sha256_hex(*token) : std::string());
    audit(tx, p, "staff.password_change", "staff", std::to_string(p.staff_id));
  });
}

void audit(store::Tx& tx, const Principal& who, const std::string& action,
           const std::string& object_type, const std::string& object_id, const Json& detail) {
  sql::insert_audit(tx, who.tenant_id, who.staff_id, action, object_type, object_id, who.ip,
                    detail);
}

}  // namespace mg::auth
