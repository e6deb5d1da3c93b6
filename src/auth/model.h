#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"

namespace mg::auth {

enum class Role { viewer = 0, operator_ = 1, editor = 2, admin = 3 };

std::optional<Role> parse_role(const std::string& s);
std::string role_name(Role r);

struct Tenant {
  int64_t id = 0;
  std::string code;     // short URL-safe code, e.g. "demo"
  std::string name;     // 自治体名
  std::string lg_code;  // 全国地方公共団体コード (6 digits with check digit)
  Json settings = Json::object();
  Json to_json() const;
};

// The authenticated staff member behind a request.
struct Principal {
  int64_t staff_id = 0;
  int64_t tenant_id = 0;
  std::string email;
  std::string name;
  Role role = Role::viewer;
  std::string department;
  std::string csrf_token;
  std::string ip;
  std::vector<std::string> departments;  // all of them; `department` is the first
  bool at_least(Role r) const { return static_cast<int>(role) >= static_cast<int>(r); }
  // Roles apply within the staff member's departments; admins act tenant-wide.
  bool all_departments() const { return role == Role::admin; }
  bool in_department(const std::string& d) const;
};

}  // namespace mg::auth
