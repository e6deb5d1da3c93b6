#include "applications/lookup_routes.h"

#include <algorithm>

#include "applications/lookup_lists.h"
#include "core/errors.h"

namespace mg::applications {

namespace {
const std::string& list_name(http::Request& req) {
  const auto& name = req.params["name"];
  bool control = std::any_of(name.begin(), name.end(),
                             [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  if (name.empty() || name.size() > 64 || control || name.find('/') != std::string::npos)
    throw ApiError::bad_request("名簿の名前が正しくありません", "name");
  return name;
}

Json uses_json(const std::vector<services::LookupUse>& uses, const std::string& list) {
  Json out = Json::array();
  for (const auto& u : uses)
    if (u.list == list)
      out.push_back({{"service_id", u.service_id},
                     {"service_title", u.service_title},
                     {"step_label", u.step_label},
                     {"columns", u.fields}});
  return out;
}

// The columns the services' lookup steps match on that the file lacks, as one Japanese
// sentence per column naming the service that needs it.
void require_columns(const LookupTable& t, const std::vector<services::LookupUse>& uses,
                     const std::string& list) {
  Json details = Json::array();
  std::string first;
  for (const auto& u : uses) {
    if (u.list != list) continue;
    for (const auto& f : u.fields) {
      if (std::find(t.columns.begin(), t.columns.end(), f) != t.columns.end()) continue;
      std::string msg = "列「" + f + "」がありません（「" + u.service_title + "」の「" +
                        u.step_label + "」で照合に使います）";
      if (first.empty()) first = msg;
      details.push_back({{"field", f}, {"message", msg}});
    }
  }
  if (!first.empty()) throw ApiError(400, "missing_column", first, "csv").with_details(details);
}

Json preview_json(const LookupTable& t, const std::string& list) {
  Json rows = Json::array();
  for (std::size_t i = 0; i < t.rows.size() && i < 5; ++i) rows.push_back(t.rows[i]);
  return {{"name", list},
          {"encoding", t.encoding},
          {"columns", t.columns},
          {"row_count", t.rows.size()},
          {"rows", rows}};
}

std::string file_name_param(const http::Request& req) {
  std::string f = req.query_or("file_name");
  if (f.size() > 200) f.resize(0);
  return f;
}
}  // namespace

void register_lookup_routes(http::Router& r, auth::AuthService& auth, store::Db& db,
                            services::Catalog& catalog) {
  using auth::Role;
  r.get("/api/lookups", [&](http::Request& req) {
    auto p = auth.require(req);
    auto uses = catalog.lookup_uses(p.tenant_id);
    Json uploaded = db.read([&](store::Tx& tx) { return uploaded_lists(tx, p.tenant_id); });
    Json items = Json::array();
    std::vector<std::string> names;
    for (const auto& l : uploaded) names.push_back(l["name"].get<std::string>());
    for (const auto& u : uses)
      if (std::find(names.begin(), names.end(), u.list) == names.end()) names.push_back(u.list);
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
      auto it = std::find_if(uploaded.begin(), uploaded.end(),
                             [&](const Json& l) { return l["name"] == n; });
      Json item = it == uploaded.end() ? Json{{"name", n},
                                              {"rows", 0},
                                              {"columns", Json::array()},
                                              {"replaced_at", nullptr},
                                              {"replaced_by", nullptr},
                                              {"file_name", ""},
                                              {"encoding", ""}}
                                       : *it;
      item["uploaded"] = it != uploaded.end();
      item["used_by"] = uses_json(uses, n);
      items.push_back(item);
    }
    return http::Response::json({{"items", items}});
  });
  // Reads the file and answers what would be stored; changes nothing.
  r.post("/api/lookups/{name}/preview", [&](http::Request& req) {
    auto p = auth.require(req, Role::editor);
    const auto& name = list_name(req);
    auto t = read_lookup_csv(req.body);
    require_columns(t, catalog.lookup_uses(p.tenant_id), name);
    Json out = preview_json(t, name);
    out["used_by"] = uses_json(catalog.lookup_uses(p.tenant_id), name);
    return http::Response::json(out);
  });
  r.put("/api/lookups/{name}", [&](http::Request& req) {
    auto p = auth.require(req, Role::editor);
    const auto& name = list_name(req);
    auto t = read_lookup_csv(req.body);
    require_columns(t, catalog.lookup_uses(p.tenant_id), name);
    auto file = file_name_param(req);
    int64_t rows = db.write([&](store::Tx& tx) {
      int64_t n = replace_list(tx, p.tenant_id, name, t, p.staff_id, file);
      auth::audit(tx, p, "lookup.replace", "lookup_list", name,
                  {{"rows", n}, {"encoding", t.encoding}});
      return n;
    });
    Json out = preview_json(t, name);
    out["list"] = name;
    out["rows"] = rows;
    return http::Response::json(out);
  });
  r.get("/api/lookups/{name}/download", [&](http::Request& req) {
    auto p = auth.require(req, Role::editor);
    const auto& name = list_name(req);
    http::Response res;
    res.content_type = "text/csv; charset=utf-8";
    res.header("Content-Disposition", "attachment; filename=\"lookup-list.csv\"");
    res.header("Cache-Control", "no-store");
    if (req.method == "HEAD") return res;
    // The list holds residents' personal data: each download is in the audit log.
    res.body = db.write([&](store::Tx& tx) {
      auto csv = list_csv(tx, p.tenant_id, name);
      auth::audit(tx, p, "lookup.download", "lookup_list", name);
      return csv;
    });
    return res;
  });
}

}  // namespace mg::applications
