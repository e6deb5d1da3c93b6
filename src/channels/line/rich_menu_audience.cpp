#include "channels/line/rich_menu_audience.h"

#include "core/clock.h"
#include "core/errors.h"
#include "core/json_parse.h"

namespace mg::line {

namespace {

constexpr const char* kSegmentKey = "segment";
constexpr const char* kLinkKey = "line_rich_menu";

Json attributes_of(const std::string& text) {
  Json j = parse_stored_json(text);
  return j.is_object() ? j : Json::object();
}

// Attributes are filtered here rather than with JSON SQL, which differs between SQLite and
// PostgreSQL; an admin action over one tenant's residents can afford the scan.
template <typename Keep>
std::vector<LineRecipient> scan(store::Tx& tx, int64_t tenant_id, Keep keep) {
  std::vector<LineRecipient> out;
  tx.each(
      "SELECT id, external_id, attributes FROM residents WHERE tenant_id = ? AND channel = "
      "'line' ORDER BY id",
      {tenant_id}, [&](const store::Row& r) {
        if (keep(attributes_of(r.str(2)))) out.push_back({r.i64(0), r.str(1)});
        return true;
      });
  return out;
}

}  // namespace

std::vector<LineRecipient> residents_by_id(store::Tx& tx, int64_t tenant_id, const Json& ids) {
  std::vector<LineRecipient> out;
  for (const auto& id : ids) {
    auto r = id.is_number_integer()
                 ? tx.one(
                       "SELECT id, external_id FROM residents WHERE id = ? AND tenant_id = ? AND "
                       "channel = 'line'",
                       {id.get<int64_t>(), tenant_id})
                 : std::nullopt;
    if (!r) throw ApiError::bad_request("LINE の住民ではありません: " + id.dump(), "resident_ids");
    out.push_back({r->i64(0), r->str(1)});
  }
  return out;
}

std::vector<LineRecipient> residents_in_segment(store::Tx& tx, int64_t tenant_id,
                                                const std::string& segment) {
  return scan(tx, tenant_id,
              [&](const Json& a) { return a.value(kSegmentKey, std::string()) == segment; });
}

std::vector<LineRecipient> all_line_residents(store::Tx& tx, int64_t tenant_id) {
  return scan(tx, tenant_id, [](const Json&) { return true; });
}

void remember_links(store::Tx& tx, const std::vector<LineRecipient>& who,
                    const std::string& menu_name) {
  for (const auto& w : who) {
    auto r =
        tx.one(std::string("SELECT attributes FROM residents WHERE id = ?") + store::for_update(tx),
               {w.resident_id});
    if (!r) continue;
    Json a = attributes_of(r->str(0));
    a[kLinkKey] = menu_name;
    tx.exec("UPDATE residents SET attributes = ?, updated_at = ? WHERE id = ?",
            {a.dump(), clock::now_ms(), w.resident_id});
  }
}

std::map<std::string, std::vector<LineRecipient>> remembered_links(store::Tx& tx,
                                                                   int64_t tenant_id) {
  std::map<std::string, std::vector<LineRecipient>> out;
  tx.each(
      "SELECT id, external_id, attributes FROM residents WHERE tenant_id = ? AND channel = "
      "'line' ORDER BY id",
      {tenant_id}, [&](const store::Row& r) {
        std::string menu = attributes_of(r.str(2)).value(kLinkKey, std::string());
        if (!menu.empty()) out[menu].push_back({r.i64(0), r.str(1)});
        return true;
      });
  return out;
}

}  // namespace mg::line
