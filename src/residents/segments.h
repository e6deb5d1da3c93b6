#pragma once
// Saved segments (セグメント): a named condition over residents (condition.h), stored per
// tenant in resident_segments (migration 26) so staff build "子育て世帯（北地区）" once and reuse
// it for deliveries and rich menus. They live here, not in delivery/, because a segment is a
// condition over residents' attributes: it is checked against the attribute definitions and
// evaluated by the same compiler, whoever uses it. The condition is stored as written and
// evaluated when used (ages count on the send date, not the save date).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/service.h"
#include "core/json.h"
#include "core/router.h"
#include "store/db.h"

namespace mg::residents {

inline constexpr std::size_t kMaxSegmentNameUnits = 50;
inline constexpr std::size_t kMaxSegmentBytes = 64 * 1024;  // a stored condition, as JSON
inline constexpr int64_t kMaxSegmentsPerTenant = 200;

struct Segment {
  int64_t id = 0;
  int64_t tenant_id = 0;
  std::string name;
  Json condition = Json::object();
  std::optional<int64_t> created_by;
  int64_t created_at = 0, updated_at = 0;
};

Json to_json(const Segment& s);

// {name, condition} checked against the tenant's definitions: ApiError 400 (field "name", or
// invalid_condition with "condition/…") when bad.
Segment segment_from_json(store::Tx& tx, int64_t tenant_id, const Json& body);

std::vector<Segment> list_segments(store::Tx& tx, int64_t tenant_id);
std::optional<Segment> find_segment(store::Tx& tx, int64_t tenant_id, int64_t id);
// 409 when the name is taken in the tenant, or over kMaxSegmentsPerTenant.
Segment create_segment(store::Tx& tx, const Segment& s);
Segment change_segment(store::Tx& tx, const Segment& s);
bool delete_segment(store::Tx& tx, int64_t tenant_id, int64_t id);

// GET/POST /api/segments, GET/PUT/DELETE /api/segments/{id}: operators and above write, any
// role reads. Every write is audited (names only).
void mount_segments(http::Router& router, auth::AuthService& auth, store::Db& db);

}  // namespace mg::residents
