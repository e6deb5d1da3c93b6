#include "services/routes.h"

#include "core/errors.h"
#include "core/json_parse.h"
#include "services/builder.h"

namespace mg::services {

int64_t id_param(const http::Request& req, const std::string& name) {
  auto it = req.params.find(name);
  if (it == req.params.end() || it->second.empty() || it->second.size() > 18 ||
      it->second.find_first_not_of("0123456789") != std::string::npos)
    throw ApiError::not_found();
  return std::stoll(it->second);
}

namespace {
Json definition_from(const http::Request& req) {
  auto body = http::json_body(req, kServiceDefinitionLimits);
  // Accept {definition: {...}} from the console, or the bare exported file.
  if (body.contains("definition")) return body["definition"];
  return body;
}
// Editors change only their departments' services (admins any): both the service as it is and
// the definition they send must be of one of their departments. Staff can read every service,
// so this answers 403, not 404.
void require_department(const auth::Principal& p, const std::string& department) {
  if (p.in_department(department)) return;
  throw ApiError(403, "forbidden",
                 department.empty()
                     ? "担当課のないサービスは管理者だけが変更できます"
                     : "所属していない課（" + department + "）のサービスは変更できません",
                 "department");
}

std::string department_in(const Json& definition) {
  auto it = definition.is_object() ? definition.find("department") : definition.end();
  return it != definition.end() && it->is_string() ? it->get<std::string>() : "";
}

void require_service_department(Catalog& catalog, const auth::Principal& p, int64_t id) {
  if (p.all_departments()) return;
  auto d = catalog.department_of(p.tenant_id, id);
  if (!d) throw ApiError::not_found();
  require_department(p, *d);
}
}  // namespace

namespace {
void mount_catalog(http::Router& r, auth::AuthService& auth, Catalog& catalog) {
  using auth::Role;
  r.get("/api/services", [&](http::Request& req) {
    auto p = auth.require(req);
    Json items = Json::array();
    for (const auto& s : catalog.list(p.tenant_id)) items.push_back(s.to_json());
    return http::Response::json({{"items", items}});
  });
  r.post("/api/services", [&](http::Request& req) {
    auto p = auth.require(req, Role::editor);
    auto def = definition_from(req);
    require_department(p, department_in(def));
    return http::Response::json(catalog.save_draft(p, def).to_json(), 201);
  });
  r.get("/api/services/{id}", [&](http::Request& req) {
    auto p = auth.require(req);
    return http::Response::json(catalog.detail(p.tenant_id, id_param(req)));
  });
  r.put("/api/services/{id}", [&](http::Request& req) {
    auto p = auth.require(req, Role::editor);
    int64_t id = id_param(req);
    auto body = http::json_body(req, kServiceDefinitionLimits);
    auto def = body.contains("definition") ? body["definition"] : body;
    // The builder sends the revision it loaded, so a draft saved meanwhile is not overwritten.
    std::optional<std::string> base;
    if (body.contains("base_revision")) {
      if (!body["base_revision"].is_string())
        throw ApiError::bad_request("base_revision は文字列で指定してください", "base_revision");
      base = body["base_revision"].get<std::string>();
    }
    require_service_department(catalog, p, id);
    require_department(p, department_in(def));
    return http::Response::json(catalog.replace_draft(p, id, def, base).to_json());
  });
  r.post("/api/services/{id}/publish", [&](http::Request& req) {
    auto p = auth.require(req, Role::editor);
    int64_t id = id_param(req);
    require_service_department(catalog, p, id);
    auto res = catalog.publish(p, id);
    // 200 either way: publishing what is already published is harmless, not an error.
    Json body = {{"version", res.version}, {"new_version", res.created}};
    if (!res.created) body["message"] = "下書きは公開中の版と同じため、新しい版は作りませんでした";
    return http::Response::json(body);
  });
  r.post("/api/services/{id}/unpublish", [&](http::Request& req) {
    auto p = auth.require(req, Role::editor);
    int64_t id = id_param(req);
    require_service_department(catalog, p, id);
    return http::Response::json(catalog.unpublish(p, id).to_json());
  });
  r.get("/api/services/{id}/changes", [&](http::Request& req) {
    auto p = auth.require(req);
    // ?from=N&to=M between two versions; without `to`, from version N to the draft.
    auto number = [&](const char* name) -> std::optional<int64_t> {
      std::string v = req.query_or(name);
      if (v.empty()) return std::nullopt;
      if (v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
        throw ApiError::bad_request(std::string(name) + " は版の番号で指定してください", name);
      return std::stoll(v);
    };
    auto from = number("from");
    if (!from) throw ApiError::bad_request("from（比べる元の版）を指定してください", "from");
    return http::Response::json(
        {{"items", catalog.changes_between(p.tenant_id, id_param(req), *from, number("to"))}});
  });
  r.post("/api/services/{id}/versions/{version}/restore", [&](http::Request& req) {
    auto p = auth.require(req, Role::editor);
    int64_t id = id_param(req);
    int64_t version = id_param(req, "version");
    require_service_department(catalog, p, id);
    // The restored version must be of the editor's departments too.
    auto old = catalog.version_json(p.tenant_id, id, version);
    if (!old) throw ApiError::not_found("その版はありません");
    require_department(p, department_in(*old));
    auto res = catalog.restore_version(p, id, version);
    return http::Response::json(
        {{"version", res.version}, {"new_version", res.created}, {"restored", version}});
  });
  r.get("/api/services/{id}/export", [&](http::Request& req) {
    auto p = auth.require(req);
    auto def = catalog.export_definition(p.tenant_id, id_param(req));
    auto res = http::Response::json(def);
    res.body = def.dump(2);
    std::string key = def.value("service_key", "service");
    res.header("Content-Disposition", "attachment; filename=\"" + key + ".json\"");
    return res;
  });
}

void mount_templates(http::Router& r, auth::AuthService& auth, Catalog& catalog,
                     TemplateGallery gallery) {
  using auth::Role;
  r.get("/api/service-templates", [&auth, &catalog, gallery](http::Request& req) {
    auto p = auth.require(req);
    std::map<std::string, int64_t> have;
    for (const auto& s : catalog.list(p.tenant_id)) have[s.service_key] = s.id;
    Json items = gallery.list();
    for (auto& t : items) {
      auto it = have.find(t["service_key"].get<std::string>());
      t["service_id"] = it == have.end() ? Json(nullptr) : Json(it->second);
    }
    return http::Response::json({{"items", items}});
  });
  r.post("/api/service-templates/{key}", [&auth, &catalog, gallery](http::Request& req) {
    auto p = auth.require(req, Role::editor);
    const auto& key = req.params["key"];
    auto def = gallery.definition(key);
    if (!def) throw ApiError::not_found("テンプレートが見つかりません");
    // The new-service page names the draft itself: its own key, title and department.
    Json body = req.body.empty() ? Json::object() : http::json_body(req, kServiceDefinitionLimits);
    if (!body.is_object()) throw ApiError::bad_request("本文はオブジェクトで指定してください");
    bool named = false;
    for (const char* f : {"service_key", "title", "department"}) {
      if (!body.contains(f)) continue;
      if (!body[f].is_string())
        throw ApiError::bad_request(std::string(f) + " は文字で指定してください", f);
      (*def)[f] = body[f];
      named = true;
    }
    if (named) require_department(p, department_in(*def));
    return http::Response::json(catalog.create_from_template(p, key, *def).to_json(), 201);
  });
}
}  // namespace

void mount(http::Router& r, auth::AuthService& auth, Catalog& catalog, TemplateGallery gallery) {
  // Before {id} routes, so "validate" and "preview" are not taken for ids.
  mount_builder(r, auth);
  mount_catalog(r, auth, catalog);
  mount_templates(r, auth, catalog, std::move(gallery));
}

}  // namespace mg::services
