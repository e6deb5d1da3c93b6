#include "residents/routes.h"

#include "core/errors.h"
#include "residents/segments.h"
#include "residents/service.h"

namespace mg::residents {

namespace {

// The {id} path parameter; anything but a plain number is unknown.
int64_t id_param(const http::Request& req) {
  auto it = req.params.find("id");
  if (it == req.params.end() || it->second.empty() || it->second.size() > 18 ||
      it->second.find_first_not_of("0123456789") != std::string::npos)
    throw ApiError::not_found();
  return std::stoll(it->second);
}

Json key_list(const std::vector<std::string>& keys) {
  Json out = Json::array();
  for (const auto& k : keys) out.push_back(k);
  return out;
}

}  // namespace

void mount(http::Router& r, auth::AuthService& auth, store::Db& db) {
  mount_segments(r, auth, db);
  r.get("/api/resident-attributes", [&auth, &db](http::Request& req) {
    auto p = auth.require(req, auth::Role::admin);
    Json items = Json::array();
    db.read([&](store::Tx& tx) {
      for (const auto& d : list_definitions(tx, p.tenant_id)) items.push_back(to_json(d));
    });
    return http::Response::json({{"items", items}});
  });

  r.post("/api/resident-attributes", [&auth, &db](http::Request& req) {
    auto p = auth.require(req, auth::Role::admin);
    auto d = definition_from_json(req.json_body());
    auto created = db.write([&](store::Tx& tx) {
      auto c = create_definition(tx, p.tenant_id, d);
      auth::audit(tx, p, "resident_attribute.create", "attribute_definition", std::to_string(c.id),
                  {{"key", c.key}, {"type", to_string(c.type)}});
      return c;
    });
    return http::Response::json(to_json(created), 201);
  });

  r.put("/api/resident-attributes/{id}", [&auth, &db](http::Request& req) {
    auto p = auth.require(req, auth::Role::admin);
    int64_t id = id_param(req);
    auto d = definition_from_json(req.json_body());
    auto changed = db.write([&](store::Tx& tx) {
      auto c = change_definition(tx, p.tenant_id, id, d);
      auth::audit(tx, p, "resident_attribute.update", "attribute_definition", std::to_string(id),
                  {{"key", c.key}});
      return c;
    });
    return http::Response::json(to_json(changed));
  });

  r.del("/api/resident-attributes/{id}", [&auth, &db](http::Request& req) {
    auto p = auth.require(req, auth::Role::admin);
    int64_t id = id_param(req);
    db.write([&](store::Tx& tx) {
      auto d = remove_definition(tx, p.tenant_id, id);
      auth::audit(tx, p, "resident_attribute.delete", "attribute_definition", std::to_string(id),
                  {{"key", d.key}});
    });
    return http::Response::json({{"ok", true}});
  });

  r.get("/api/residents/{id}/attributes", [&auth, &db](http::Request& req) {
    auto p = auth.require(req, auth::Role::viewer);
    int64_t id = id_param(req);
    return http::Response::json(
        db.read([&](store::Tx& tx) { return resident_attributes(tx, p.tenant_id, id); }));
  });

  r.put("/api/residents/{id}/attributes", [&auth, &db](http::Request& req) {
    auto p = auth.require(req, auth::Role::operator_);
    int64_t id = id_param(req);
    auto body = req.json_body();
    return http::Response::json(db.write([&](store::Tx& tx) {
      auto keys = set_resident_attributes(tx, p.tenant_id, id, body);
      // Keys only: values are personal data and stay out of the audit log.
      auth::audit(tx, p, "resident.attributes.update", "resident", std::to_string(id),
                  {{"keys", key_list(keys)}});
      return resident_attributes(tx, p.tenant_id, id);
    }));
  });
}

}  // namespace mg::residents
