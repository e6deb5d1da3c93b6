#include "auth/routes.h"

#include "auth/password.h"
#include "auth/store.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/json_parse.h"

namespace mg::auth {

std::string string_field(const Json& body, const std::string& name, bool required,
                         std::size_t max_len) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) throw ApiError::bad_request(name + " を指定してください", name);
    return {};
  }
  if (!it->is_string()) throw ApiError::bad_request(name + " は文字列で指定してください", name);
  auto s = it->get<std::string>();
  if (required && s.empty()) throw ApiError::bad_request(name + " を指定してください", name);
  if (s.size() > max_len) throw ApiError::bad_request(name + " が長すぎます", name);
  return s;
}

namespace {
// {"departments": [..]}, or the older single {"department": ".."}; nullopt when neither is sent.
std::optional<std::vector<std::string>> departments_field(const Json& body) {
  if (auto it = body.find("departments"); it != body.end() && !it->is_null()) {
    if (!it->is_array() || it->size() > 20)
      throw ApiError::bad_request("所属は20までの文字列の配列で指定してください", "departments");
    std::vector<std::string> out;
    for (const auto& d : *it) {
      if (!d.is_string())
        throw ApiError::bad_request("所属は文字列の配列で指定してください", "departments");
      out.push_back(d.get<std::string>());
    }
    return out;
  }
  if (body.contains("department"))
    return std::vector<std::string>{string_field(body, "department", false, 100)};
  return std::nullopt;
}

Json principal_json(const Principal& p, const Tenant& t) {
  return {{"user",
           {{"id", p.staff_id},
            {"email", p.email},
            {"name", p.name},
            {"role", role_name(p.role)},
            {"department", p.department},
            {"departments", p.departments}}},
          {"tenant", t.to_json()},
          {"csrf_token", p.csrf_token}};
}

Json staff_json(const sql::StaffRow& s, int64_t now) {
  return {{"id", s.id},
          {"email", s.email},
          {"name", s.name},
          {"role", s.role},
          {"department", s.department},
          {"departments", s.departments},
          // Throttled after failed logins (new logins must wait; sessions keep working).
          {"locked", s.throttled_until > now},
          {"throttled_until", s.throttled_until > now ? s.throttled_until : 0},
          {"active", s.deactivated_at == 0},
          {"created_at", s.created_at}};
}

// The {id} path parameter; anything but a plain number is an unknown staff member.
int64_t staff_id_param(const http::Request& req) {
  auto it = req.params.find("id");
  if (it == req.params.end() || it->second.empty() || it->second.size() > 18 ||
      it->second.find_first_not_of("0123456789") != std::string::npos)
    throw ApiError::not_found();
  return std::stoll(it->second);
}
}  // namespace

void mount(http::Router& r, AuthService& auth, store::Db& db) {
  r.post("/api/login", [&auth](http::Request& req) {
    auto body = req.json_body();
    LoginResult res;
    try {
      res =
          auth.login(string_field(body, "tenant", true, 64), string_field(body, "email", true, 254),
                     string_field(body, "password", true, kMaxPasswordBytes), req.remote_addr);
    } catch (const LoginThrottled& e) {
      auto out = http::Response::error(e.status(), e.code(), e.what(), e.field(), e.details());
      out.header("Retry-After", std::to_string(e.retry_after_s()));
      return out;
    }
    auto out = http::Response::json(principal_json(res.principal, res.tenant));
    out.header("Set-Cookie", auth.session_cookie(res.session_token, kSessionMs / 1000));
    return out;
  });

  r.post("/api/logout", [&auth](http::Request& req) {
    auth.logout(req);
    auto out = http::Response::json({{"ok", true}});
    out.header("Set-Cookie", auth.session_cookie("", 0));
    return out;
  });

  r.get("/api/session", [&auth](http::Request& req) {
    auto p = auth.require(req);
    return http::Response::json(principal_json(p, auth.tenant(p.tenant_id)));
  });

  r.get("/api/staff", [&auth, &db](http::Request& req) {
    auto p = auth.require(req, Role::admin);
    int64_t now = clock::now_ms();
    Json items = Json::array();
    db.read([&](store::Tx& tx) {
      for (const auto& s : sql::list_staff(tx, p.tenant_id)) items.push_back(staff_json(s, now));
    });
    return http::Response::json({{"items", items}});
  });

  // Department names in use (staff's and services'), for the console's choices.
  r.get("/api/departments", [&auth, &db](http::Request& req) {
    auto p = auth.require(req, Role::admin);
    auto names = db.read([&](store::Tx& tx) { return sql::known_departments(tx, p.tenant_id); });
    return http::Response::json({{"items", names}});
  });

  r.post("/api/staff", [&auth, &db](http::Request& req) {
    auto p = auth.require(req, Role::admin);
    auto body = req.json_body();
    auto email = string_field(body, "email", true, 254);
    auto name = string_field(body, "name", false, 200);
    auto password = string_field(body, "password", true, kMaxPasswordBytes);
    auto role = body.contains("role") ? string_field(body, "role") : std::string("operator");
    auto depts = departments_field(body).value_or(std::vector<std::string>{});
    auto staff = db.write([&](store::Tx& tx) {
      int64_t id = auth.create_staff(tx, p.tenant_id, email, name, password, role, depts);
      audit(tx, p, "staff.create", "staff", std::to_string(id), {{"role", role}});
      return *sql::staff_by_id(tx, p.tenant_id, id);
    });
    return http::Response::json(staff_json(staff, 0), 201);
  });

  // Lifts the login throttle of one account at once, e.g. after an attack on it.
  r.post("/api/staff/{id}/unlock", [&auth, &db](http::Request& req) {
    auto p = auth.require(req, Role::admin);
    int64_t id = staff_id_param(req);
    auto staff = db.write([&](store::Tx& tx) {
      auto s = sql::staff_by_id(tx, p.tenant_id, id);
      if (!s) throw ApiError::not_found();
      auth.clear_login_throttle(tx, p.tenant_id, s->email);
      audit(tx, p, "staff.unlock", "staff", std::to_string(id));
      return *s;
    });
    return http::Response::json(staff_json(staff, 0));
  });

  r.patch("/api/staff/{id}", [&auth](http::Request& req) {
    auto p = auth.require(req, Role::admin);
    int64_t id = staff_id_param(req);
    auto body = req.json_body();
    if (!body.is_object()) throw ApiError::bad_request("内容を指定してください");
    StaffChange change;
    if (body.contains("name")) change.name = string_field(body, "name", false, 200);
    if (body.contains("role")) change.role = string_field(body, "role", true, 20);
    change.departments = departments_field(body);
    if (auto a = body.find("active"); a != body.end()) {
      if (!a->is_boolean())
        throw ApiError::bad_request("active は true か false で指定してください", "active");
      change.active = a->get<bool>();
    }
    return http::Response::json(staff_json(auth.update_staff(p, id, change), 0));
  });

  r.post("/api/staff/{id}/password", [&auth](http::Request& req) {
    auto p = auth.require(req, Role::admin);
    int64_t id = staff_id_param(req);
    auto body = req.json_body();
    auth.reset_password(p, id, string_field(body, "password", true, kMaxPasswordBytes));
    return http::Response::json({{"ok", true}});
  });

  r.post("/api/session/password", [&auth](http::Request& req) {
    auto p = auth.require(req);
    auto body = req.json_body();
    try {
      auth.change_own_password(req, p,
                               string_field(body, "current_password", true, kMaxPasswordBytes),
                               string_field(body, "new_password", true, kMaxPasswordBytes));
    } catch (const LoginThrottled& e) {
      auto out = http::Response::error(e.status(), e.code(), e.what(), e.field(), e.details());
      out.header("Retry-After", std::to_string(e.retry_after_s()));
      return out;
    }
    return http::Response::json({{"ok", true}});
  });

  r.get("/api/audit", [&auth, &db](http::Request& req) {
    auto p = auth.require(req, Role::admin);
    int64_t limit = 100, before = INT64_MAX;
    try {
      if (auto l = req.query_or("limit"); !l.empty())
        limit = std::clamp<int64_t>(std::stoll(l), 1, 500);
      if (auto b = req.query_or("before_id"); !b.empty()) before = std::stoll(b);
    } catch (const std::exception&) {
      throw ApiError::bad_request("limit / before_id は数値で指定してください", "limit");
    }
    Json items = Json::array();
    db.read([&](store::Tx& tx) {
      for (const auto& a : sql::list_audit(tx, p.tenant_id, before, limit)) {
        items.push_back({{"id", a.i64(0)},
                         {"at", a.i64(1)},
                         {"staff_email", a.str(2)},
                         {"action", a.str(3)},
                         {"object_type", a.str(4)},
                         {"object_id", a.str(5)},
                         {"ip", a.str(6)},
                         {"detail", parse_stored_json(a.str(7))}});
      }
    });
    return http::Response::json({{"items", items}});
  });
}

jobs::AdminGuard jobs_admin(AuthService& auth) {
  return [&auth](http::Request& req) {
    auto p = auth.require(req, Role::admin);
    return jobs::Admin{p.tenant_id,
                       [p](store::Tx& tx, const std::string& action, const std::string& job_id) {
                         audit(tx, p, action, "job", job_id);
                       }};
  };
}

}  // namespace mg::auth
