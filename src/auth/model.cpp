#include "auth/model.h"

#include <algorithm>

namespace mg::auth {

std::optional<Role> parse_role(const std::string& s) {
  if (s == "viewer") return Role::viewer;
  if (s == "operator") return Role::operator_;
  if (s == "editor") return Role::editor;
  if (s == "admin") return Role::admin;
  return std::nullopt;
}

std::string role_name(Role r) {
  switch (r) {
    case Role::viewer:
      return "viewer";
    case Role::operator_:
      return "operator";
    case Role::editor:
      return "editor";
    case Role::admin:
      return "admin";
  }
  return "viewer";
}

bool Principal::in_department(const std::string& d) const {
  if (all_departments()) return true;
  return !d.empty() && std::find(departments.begin(), departments.end(), d) != departments.end();
}

Json Tenant::to_json() const {
  return {{"id", id}, {"code", code}, {"name", name}, {"lg_code", lg_code}};
}

}  // namespace mg::auth
