#include "auth/service.h"

#include <algorithm>
#include <regex>

#include "auth/password.h"
#include "auth/store.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/errors.h"

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

LoginResult AuthService::login(const std::string& tenant_code, const std::string& email,
                               const std::string& password, const std::string& ip) {
  auto bad =
      ApiError(401, "bad_credentials", "団体コード、メールアドレスまたはパスワードが違います");
  auto found = db_.read([&](store::Tx& tx) {
    std::optional<std::pair<Tenant, sql::StaffRow>> out;
    auto t = sql::tenant_by_code(tx, tenant_code);
    if (!t) return out;
    auto s = sql::staff_by_email(tx, t->id, lower(email));
    if (s) out.emplace(*t, *s);
    return out;
  });
  if (!found) {
    verify_password(dummy_hash(), password);
    throw bad;
  }
  // Not a structured binding: clang 14 cannot capture one in the lambdas below.
  auto& tenant = found->first;
  auto& staff = found->second;
  int64_t now = clock::now_ms();
  if (staff.locked_until > now)
    throw ApiError(
        423, "locked",
        "ログインの失敗が続いたため、このアカウントは一時的にロックされています。15分後に"
        "もう一度お試しください");
  if (!verify_password(staff.password_hash, password)) {
    db_.write([&](store::Tx& tx) {
      // Lock once the count reaches the limit; the count is read fresh inside the write.
      auto row = tx.one("SELECT failed_logins FROM staff WHERE id = ?", {staff.id});
      int64_t failures = (row ? row->i64(0) : 0) + 1;
      sql::record_login_failure(tx, staff.id, failures >= kMaxFailedLogins ? now + kLockMs : 0);
      sql::insert_audit(tx, tenant.id, staff.id, "login_failed", "staff", std::to_string(staff.id),
                        ip, {{"failures", failures}});
    });
    throw bad;
  }
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
                   ip};
  db_.write([&](store::Tx& tx) {
    sql::reset_login_failures(tx, staff.id);
    sql::insert_session(tx, crypto::sha256_hex(res.session_token), tenant.id, staff.id,
                        res.principal.csrf_token, now + kSessionMs);
    sql::insert_audit(tx, tenant.id, staff.id, "login", "staff", std::to_string(staff.id), ip,
                      Json::object());
  });
  return res;
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
  auto row = db_.read([&](store::Tx& tx) { return sql::session_with_staff(tx, hash); });
  int64_t now = clock::now_ms();
  if (!row || row->i64(3) < now) return std::nullopt;
  if (row->i64(8) > now) return std::nullopt;  // locked accounts lose their sessions
  auto role = parse_role(row->str(6));
  if (!role) return std::nullopt;
  Principal p{row->i64(1), row->i64(0), row->str(4), row->str(5),
              *role,       row->str(7), row->str(2), req.remote_addr};
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

int64_t AuthService::create_staff(store::Tx& tx, int64_t tenant_id, const std::string& email,
                                  const std::string& name, const std::string& password,
                                  const std::string& role, const std::string& department) {
  if (!valid_email(email))
    throw ApiError::bad_request("メールアドレスの形式が正しくありません", "email");
  if (auto why = password_problem(password); !why.empty())
    throw ApiError::bad_request(why, "password");
  if (!parse_role(role)) throw ApiError::bad_request("役割が正しくありません", "role");
  if (name.size() > 200) throw ApiError::bad_request("名前が長すぎます", "name");
  std::optional<int64_t> dept;
  if (!department.empty()) dept = sql::department_id(tx, tenant_id, department);
  try {
    return sql::insert_staff(tx, tenant_id, lower(email), name, hash_password(password), role,
                             dept);
  } catch (const store::UniqueViolation&) {
    throw ApiError::conflict("このメールアドレスの職員は登録済みです", "email");
  }
}

void audit(store::Tx& tx, const Principal& who, const std::string& action,
           const std::string& object_type, const std::string& object_id, const Json& detail) {
  sql::insert_audit(tx, who.tenant_id, who.staff_id, action, object_type, object_id, who.ip,
                    detail);
}

}  // namespace mg::auth
