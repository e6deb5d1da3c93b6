#include "residents/segments.h"

#include "core/clock.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "residents/condition.h"
#include "residents/service.h"

namespace mg::residents {

namespace {

const char* kColumns = "id, tenant_id, name, condition_json, created_by, created_at, updated_at";

Segment from_row(const store::Row& r) {
  Segment s;
  s.id = r.i64(0);
  s.tenant_id = r.i64(1);
  s.name = r.str(2);
  s.condition = parse_stored_json(r.str(3));
  if (s.condition.is_discarded()) s.condition = Json::object();
  s.created_by = r.opt_i64(4);
  s.created_at = r.i64(5);
  s.updated_at = r.i64(6);
  return s;
}

// Characters, not bytes: a 50-character Japanese name is 150 bytes.
std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

int64_t id_param(const http::Request& req) {
  auto it = req.params.find("id");
  if (it == req.params.end() || it->second.empty() || it->second.size() > 18 ||
      it->second.find_first_not_of("0123456789") != std::string::npos)
    throw ApiError::not_found("セグメントが見つかりません");
  return std::stoll(it->second);
}

// Bodies are small: a name and a condition of at most 200 nodes.
constexpr JsonLimits kSegmentBodyLimits{40, kMaxSegmentBytes};

}  // namespace

Json to_json(const Segment& s) {
  return {{"id", s.id},
          {"name", s.name},
          {"condition", s.condition},
          {"created_by", s.created_by ? Json(*s.created_by) : Json(nullptr)},
          {"created_at", s.created_at},
          {"updated_at", s.updated_at}};
}

Segment segment_from_json(store::Tx& tx, int64_t tenant_id, const Json& body) {
  Segment s;
  s.tenant_id = tenant_id;
  auto name = body.find("name");
  if (name == body.end() || !name->is_string())
    throw ApiError::bad_request("セグメントの名前を入力してください", "name");
  s.name = name->get<std::string>();
  while (!s.name.empty() && (s.name.back() == ' ' || s.name.back() == '\n')) s.name.pop_back();
  while (!s.name.empty() && s.name.front() == ' ') s.name.erase(0, 1);
  if (s.name.empty()) throw ApiError::bad_request("セグメントの名前を入力してください", "name");
  if (code_points(s.name) > kMaxSegmentNameUnits)
    throw ApiError::bad_request("セグメントの名前は50文字以内にしてください", "name");
  auto c = body.find("condition");
  if (c == body.end() || !c->is_object())
    throw ApiError::bad_request("セグメントの条件を指定してください", "condition");
  // Compiled once to check it against the definitions; the SQL is made again when used.
  compile_condition(*c, load_definitions(tx, tenant_id), tenant_id);
  s.condition = *c;
  return s;
}

std::vector<Segment> list_segments(store::Tx& tx, int64_t tenant_id) {
  std::vector<Segment> out;
  for (const auto& r : tx.query(std::string("SELECT ") + kColumns +
                                    " FROM resident_segments WHERE tenant_id = ? ORDER BY name",
                                {tenant_id}))
    out.push_back(from_row(r));
  return out;
}

std::optional<Segment> find_segment(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto r = tx.one(
      std::string("SELECT ") + kColumns + " FROM resident_segments WHERE tenant_id = ? AND id = ?",
      {tenant_id, id});
  if (!r) return std::nullopt;
  return from_row(*r);
}

Segment create_segment(store::Tx& tx, const Segment& s) {
  auto n = tx.one("SELECT COUNT(*) FROM resident_segments WHERE tenant_id = ?", {s.tenant_id});
  if (n && n->i64(0) >= kMaxSegmentsPerTenant)
    throw ApiError::conflict("セグメントは200件までです。使わないものを削除してください");
  int64_t now = clock::now_ms();
  try {
    int64_t id = tx.insert_id(
        "INSERT INTO resident_segments(tenant_id, name, condition_json, created_by, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        {s.tenant_id, s.name, s.condition.dump(), store::opt(s.created_by), now, now});
    return *find_segment(tx, s.tenant_id, id);
  } catch (const store::UniqueViolation&) {
    throw ApiError::conflict("同じ名前のセグメントがあります", "name");
  }
}

Segment change_segment(store::Tx& tx, const Segment& s) {
  if (!find_segment(tx, s.tenant_id, s.id)) throw ApiError::not_found("セグメントが見つかりません");
  try {
    tx.exec(
        "UPDATE resident_segments SET name = ?, condition_json = ?, updated_at = ? WHERE "
        "tenant_id = ? AND id = ?",
        {s.name, s.condition.dump(), clock::now_ms(), s.tenant_id, s.id});
  } catch (const store::UniqueViolation&) {
    throw ApiError::conflict("同じ名前のセグメントがあります", "name");
  }
  return *find_segment(tx, s.tenant_id, s.id);
}

bool delete_segment(store::Tx& tx, int64_t tenant_id, int64_t id) {
  return tx.exec("DELETE FROM resident_segments WHERE tenant_id = ? AND id = ?", {tenant_id, id}) >
         0;
}

void mount_segments(http::Router& r, auth::AuthService& auth, store::Db& db) {
  // With the attributes a condition may name, so the composer (operators too) can offer them
  // without the admin-only definitions route.
  r.get("/api/segments", [&auth, &db](http::Request& req) {
    auto p = auth.require(req, auth::Role::viewer);
    Json items = Json::array(), attributes = Json::array();
    db.read([&](store::Tx& tx) {
      for (const auto& s : list_segments(tx, p.tenant_id)) items.push_back(to_json(s));
      for (const auto& d : list_definitions(tx, p.tenant_id)) attributes.push_back(to_json(d));
    });
    return http::Response::json({{"items", items}, {"attributes", attributes}});
  });
  r.post("/api/segments", [&auth, &db](http::Request& req) {
    auto p = auth.require(req, auth::Role::operator_);
    Json body = http::json_body(req, kSegmentBodyLimits);
    auto created = db.write([&](store::Tx& tx) {
      auto s = segment_from_json(tx, p.tenant_id, body);
      s.created_by = p.staff_id;
      auto c = create_segment(tx, s);
      auth::audit(tx, p, "segment.create", "segment", std::to_string(c.id), {{"name", c.name}});
      return c;
    });
    return http::Response::json(to_json(created), 201);
  });
  r.get("/api/segments/{id}", [&auth, &db](http::Request& req) {
    auto p = auth.require(req, auth::Role::viewer);
    int64_t id = id_param(req);
    auto s = db.read([&](store::Tx& tx) { return find_segment(tx, p.tenant_id, id); });
    if (!s) throw ApiError::not_found("セグメントが見つかりません");
    return http::Response::json(to_json(*s));
  });
  r.put("/api/segments/{id}", [&auth, &db](http::Request& req) {
    auto p = auth.require(req, auth::Role::operator_);
    int64_t id = id_param(req);
    Json body = http::json_body(req, kSegmentBodyLimits);
    auto changed = db.write([&](store::Tx& tx) {
      if (!find_segment(tx, p.tenant_id, id))
        throw ApiError::not_found("セグメントが見つかりません");
      auto s = segment_from_json(tx, p.tenant_id, body);
      s.id = id;
      auto c = change_segment(tx, s);
      auth::audit(tx, p, "segment.update", "segment", std::to_string(id), {{"name", c.name}});
      return c;
    });
    return http::Response::json(to_json(changed));
  });
  r.del("/api/segments/{id}", [&auth, &db](http::Request& req) {
    auto p = auth.require(req, auth::Role::operator_);
    int64_t id = id_param(req);
    db.write([&](store::Tx& tx) {
      if (!delete_segment(tx, p.tenant_id, id))
        throw ApiError::not_found("セグメントが見つかりません");
      auth::audit(tx, p, "segment.delete", "segment", std::to_string(id));
    });
    return http::Response::json({{"ok", true}});
  });
}

}  // namespace mg::residents
