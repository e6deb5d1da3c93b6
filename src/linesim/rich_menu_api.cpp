// Rich menu endpoints: create/validate/get/list/delete, image upload and download (served on
// the same host as api-data.line.me), default menu, per-user links, bulk link and aliases.
#include <regex>

#include "linesim/ids.h"
#include "linesim/line_error.h"
#include "linesim/platform.h"
#include "linesim/request_body.h"

namespace mg::linesim {

using http::Request;
using http::Response;

namespace {
Response ok() { return Response::json(Json::object()); }
Response menu_not_found() { return line_error(404, "richmenu not found"); }
Response need_image() {
  return line_error(400, "must upload richmenu image before applying it to user");
}
bool valid_alias_id(const std::string& s) {
  static const std::regex re("^[a-z0-9_-]{1,32}$");
  return std::regex_match(s, re);
}
}  // namespace

std::string Platform::effective_rich_menu(const Resident& r) const {
  // A per-user menu takes priority over the default one.
  return r.rich_menu_id.empty() ? menus_.default_id : r.rich_menu_id;
}

void Platform::add_rich_menu_routes() {
  add_api("POST", "/v2/bot/richmenu/validate", false, [](Request& req, ApiCall&) {
    Response err;
    auto body = parse_line_body(req, err);
    if (!body) return err;
    Problems p;
    validate_rich_menu(*body, p);
    return p.empty() ? ok() : p.to_response();
  });

  add_api("GET", "/v2/bot/richmenu/list", false, [this](Request&, ApiCall&) {
    Json list = Json::array();
    for (const auto& [id, m] : menus_.all()) list.push_back(m.to_json());
    return Response::json({{"richmenus", list}});
  });

  add_api("POST", "/v2/bot/richmenu/bulk/link", false, [this](Request& req, ApiCall&) {
    Response err;
    auto body = parse_line_body(req, err);
    if (!body) return err;
    Problems p;
    auto users = body->find("userIds");
    if (users == body->end() || !users->is_array())
      p.add("userIds", "must be specified");
    else if (users->empty() || users->size() > 500)
      p.add("userIds", "Size must be between 1 and 500");
    if (!body->contains("richMenuId") || !(*body)["richMenuId"].is_string())
      p.add("richMenuId", "must be specified");
    if (!p.empty()) return p.to_response();
    RichMenu* m = menus_.find((*body)["richMenuId"]);
    if (!m) return menu_not_found();
    if (m->image.empty()) return need_image();
    for (const auto& u : *users)
      if (Resident* r = u.is_string() ? residents_.find(u.get<std::string>()) : nullptr)
        r->rich_menu_id = m->id;
    return Response::json(Json::object(), 202);
  });

  add_api("POST", "/v2/bot/richmenu/bulk/unlink", false, [this](Request& req, ApiCall&) {
    Response err;
    auto body = parse_line_body(req, err);
    if (!body) return err;
    auto users = body->find("userIds");
    if (users == body->end() || !users->is_array() || users->empty() || users->size() > 500)
      return line_error(400, "The request body has 1 error(s)",
                        {{"Size must be between 1 and 500", "userIds"}});
    for (const auto& u : *users)
      if (Resident* r = u.is_string() ? residents_.find(u.get<std::string>()) : nullptr)
        r->rich_menu_id.clear();
    return Response::json(Json::object(), 202);
  });

  // --- aliases ---
  add_api("POST", "/v2/bot/richmenu/alias", false, [this](Request& req, ApiCall&) {
    Response err;
    auto body = parse_line_body(req, err);
    if (!body) return err;
    std::string alias = body->value("richMenuAliasId", ""), id = body->value("richMenuId", "");
    Problems p;
    if (!valid_alias_id(alias)) p.add("richMenuAliasId", "must match ^[a-z0-9_-]{1,32}$");
    if (id.empty()) p.add("richMenuId", "must be specified");
    if (!p.empty()) return p.to_response();
    RichMenu* m = menus_.find(id);
    if (!m) return line_error(400, "richmenu not found");
    if (m->image.empty()) return need_image();
    if (menus_.aliases.count(alias)) return line_error(400, "conflict richmenu alias id");
    menus_.aliases[alias] = id;
    return ok();
  });

  add_api("GET", "/v2/bot/richmenu/alias/list", false, [this](Request&, ApiCall&) {
    Json list = Json::array();
    for (const auto& [alias, id] : menus_.aliases)
      list.push_back({{"richMenuAliasId", alias}, {"richMenuId", id}});
    return Response::json({{"aliases", list}});
  });

  add_api("GET", "/v2/bot/richmenu/alias/{aliasId}", false, [this](Request& req, ApiCall&) {
    auto it = menus_.aliases.find(req.params["aliasId"]);
    if (it == menus_.aliases.end()) return line_error(404, "richmenu alias not found");
    return Response::json({{"richMenuAliasId", it->first}, {"richMenuId", it->second}});
  });

  add_api("POST", "/v2/bot/richmenu/alias/{aliasId}", false, [this](Request& req, ApiCall&) {
    Response err;
    auto body = parse_line_body(req, err);
    if (!body) return err;
    auto it = menus_.aliases.find(req.params["aliasId"]);
    if (it == menus_.aliases.end()) return line_error(404, "richmenu alias not found");
    RichMenu* m = menus_.find(body->value("richMenuId", ""));
    if (!m) return line_error(400, "richmenu not found");
    if (m->image.empty()) return need_image();
    it->second = m->id;
    return ok();
  });

  add_api("DELETE", "/v2/bot/richmenu/alias/{aliasId}", false, [this](Request& req, ApiCall&) {
    if (!menus_.aliases.erase(req.params["aliasId"]))
      return line_error(404, "richmenu alias not found");
    return ok();
  });

  // --- menus ---
  add_api("POST", "/v2/bot/richmenu", false, [this](Request& req, ApiCall&) {
    Response err;
    auto body = parse_line_body(req, err);
    if (!body) return err;
    Problems p;
    validate_rich_menu(*body, p);
    if (!p.empty()) return p.to_response();
    if (menus_.size() >= RichMenuBook::kMaxMenus)
      return line_error(400, "The maximum number of rich menus has been reached");
    Json def = Json::object();
    for (const char* k : {"size", "selected", "name", "chatBarText", "areas"}) def[k] = (*body)[k];
    return Response::json({{"richMenuId", menus_.create(std::move(def)).id}});
  });

  add_api("GET", "/v2/bot/richmenu/{richMenuId}", false, [this](Request& req, ApiCall&) {
    RichMenu* m = menus_.find(req.params["richMenuId"]);
    return m ? Response::json(m->to_json()) : menu_not_found();
  });

  add_api("DELETE", "/v2/bot/richmenu/{richMenuId}", false, [this](Request& req, ApiCall&) {
    const auto& id = req.params["richMenuId"];
    if (!menus_.remove(id)) return menu_not_found();
    for (auto& [uid, r] : residents_.all())
      if (r.rich_menu_id == id) r.rich_menu_id.clear();
    return ok();
  });

  add_api("POST", "/v2/bot/richmenu/{richMenuId}/content", false, [this](Request& req, ApiCall&) {
    RichMenu* m = menus_.find(req.params["richMenuId"]);
    if (!m) return menu_not_found();
    std::string ct = req.header("content-type").value_or("");
    if (ct.rfind("image/png", 0) != 0 && ct.rfind("image/jpeg", 0) != 0)
      return line_error(415, "Unsupported Media Type");
    if (req.body.size() > RichMenuBook::kMaxImageBytes)
      return line_error(413, "Request Entity Too Large");
    if (!m->image.empty())
      return line_error(400, "An image has already been uploaded to the richmenu");
    auto dims = image_dimensions(req.body);
    if (!dims) return line_error(400, "Invalid image");
    const Json& size = m->definition["size"];
    if (dims->first != size["width"].get<int>() || dims->second != size["height"].get<int>())
      return line_error(400, "Image size must match the rich menu size");
    m->image = req.body;
    m->image_type = ct.substr(0, ct.find(';'));
    return ok();
  });

  add_api("GET", "/v2/bot/richmenu/{richMenuId}/content", false, [this](Request& req, ApiCall&) {
    RichMenu* m = menus_.find(req.params["richMenuId"]);
    if (!m) return menu_not_found();
    if (m->image.empty()) return line_error(404, msg::kNotFound);
    return Response::text(m->image, m->image_type);
  });

  // --- default menu (register before the {userId} routes: "all" is a literal) ---
  add_api("POST", "/v2/bot/user/all/richmenu/{richMenuId}", false, [this](Request& req, ApiCall&) {
    RichMenu* m = menus_.find(req.params["richMenuId"]);
    if (!m) return menu_not_found();
    if (m->image.empty()) return need_image();
    menus_.default_id = m->id;
    return ok();
  });

  add_api("GET", "/v2/bot/user/all/richmenu", false, [this](Request&, ApiCall&) {
    if (menus_.default_id.empty()) return line_error(404, "no default richmenu");
    return Response::json({{"richMenuId", menus_.default_id}});
  });

  add_api("DELETE", "/v2/bot/user/all/richmenu", false, [this](Request&, ApiCall&) {
    menus_.default_id.clear();
    return ok();
  });

  // --- per-user links ---
  add_api("POST", "/v2/bot/user/{userId}/richmenu/{richMenuId}", false,
          [this](Request& req, ApiCall&) {
            const auto& uid = req.params["userId"];
            if (!ids::is_user_id(uid))
              return line_error(400, "The value for the 'userId' parameter is invalid");
            RichMenu* m = menus_.find(req.params["richMenuId"]);
            if (!m) return menu_not_found();
            if (m->image.empty()) return need_image();
            if (Resident* r = residents_.find(uid)) r->rich_menu_id = m->id;
            return ok();
          });

  add_api("GET", "/v2/bot/user/{userId}/richmenu", false, [this](Request& req, ApiCall&) {
    const Resident* r = residents_.find(req.params["userId"]);
    if (!r || r->rich_menu_id.empty()) return line_error(404, "the user has no richmenu");
    return Response::json({{"richMenuId", r->rich_menu_id}});
  });

  add_api("DELETE", "/v2/bot/user/{userId}/richmenu", false, [this](Request& req, ApiCall&) {
    if (!ids::is_user_id(req.params["userId"]))
      return line_error(400, "The value for the 'userId' parameter is invalid");
    if (Resident* r = residents_.find(req.params["userId"])) r->rich_menu_id.clear();
    return ok();
  });
}

}  // namespace mg::linesim
