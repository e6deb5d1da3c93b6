#include "garbage/store.h"

#include "core/json.h"
#include "core/json_parse.h"
#include "garbage/format_5374.h"

namespace mg::garbage {

void replace(store::Tx& tx, int64_t tenant_id, const GarbageCalendar& cal,
             std::optional<int64_t> staff_id, int64_t now_ms) {
  for (const char* table : {"garbage_categories", "garbage_areas", "garbage_closures",
                            "garbage_remarks", "garbage_items", "garbage_imports"})
    tx.exec(std::string("DELETE FROM ") + table + " WHERE tenant_id = ?", {tenant_id});
  for (std::size_t i = 0; i < cal.categories.size(); ++i) {
    const auto& c = cal.categories[i];
    tx.exec(
        "INSERT INTO garbage_categories(tenant_id, position, label, sublabel, description, color) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        {tenant_id, static_cast<int64_t>(i), c.label, c.sublabel, c.description, c.color});
  }
  for (std::size_t i = 0; i < cal.areas.size(); ++i) {
    const auto& a = cal.areas[i];
    Json cells = Json::array();
    for (const auto& c : a.collections) cells.push_back(format_cell(c));
    tx.exec(
        "INSERT INTO garbage_areas(tenant_id, position, name, center, cells) VALUES (?, ?, ?, ?, "
        "?)",
        {tenant_id, static_cast<int64_t>(i), a.name, a.center, cells.dump()});
  }
  for (const auto& c : cal.closures)
    tx.exec(
        "INSERT INTO garbage_closures(tenant_id, center, date_from, date_to) VALUES (?, ?, ?, ?)",
        {tenant_id, c.center,
         static_cast<int64_t>(std::chrono::sys_days{c.from}.time_since_epoch().count()),
         static_cast<int64_t>(std::chrono::sys_days{c.to}.time_since_epoch().count())});
  for (const auto& r : cal.remarks)
    tx.exec("INSERT INTO garbage_remarks(tenant_id, remark_id, text) VALUES (?, ?, ?)",
            {tenant_id, static_cast<int64_t>(r.id), r.text});
  for (const auto& it : cal.items)
    tx.exec(
        "INSERT INTO garbage_items(tenant_id, category, name, notice, furigana) VALUES (?, ?, ?, "
        "?, "
        "?)",
        {tenant_id, it.category, it.name, it.notice, it.furigana});
  tx.exec("INSERT INTO garbage_imports(tenant_id, imported_at, imported_by) VALUES (?, ?, ?)",
          {tenant_id, now_ms, store::opt(staff_id)});
}

std::optional<ImportInfo> import_info(store::Tx& tx, int64_t tenant_id) {
  auto r = tx.one("SELECT imported_at, imported_by FROM garbage_imports WHERE tenant_id = ?",
                  {tenant_id});
  if (!r) return std::nullopt;
  return ImportInfo{r->i64(0), r->opt_i64(1)};
}

std::optional<GarbageCalendar> load(store::Tx& tx, int64_t tenant_id) {
  if (!import_info(tx, tenant_id)) return std::nullopt;
  GarbageCalendar cal;
  tx.each(
      "SELECT label, sublabel, description, color FROM garbage_categories WHERE tenant_id = ? "
      "ORDER BY position",
      {tenant_id}, [&](const store::Row& r) {
        cal.categories.push_back({r.str(0), r.str(1), r.str(2), r.str(3)});
        return true;
      });
  tx.each("SELECT name, center, cells FROM garbage_areas WHERE tenant_id = ? ORDER BY position",
          {tenant_id}, [&](const store::Row& r) {
            Area a{r.str(0), r.str(1), {}};
            Json cells = parse_stored_json(r.str(2));
            for (const auto& c : cells) {
              std::string error;
              auto parsed = parse_cell(c.is_string() ? c.get<std::string>() : "", error);
              a.collections.push_back(parsed ? *parsed : Collection{});
            }
            cal.areas.push_back(std::move(a));
            return true;
          });
  tx.each("SELECT center, date_from, date_to FROM garbage_closures WHERE tenant_id = ? ORDER BY id",
          {tenant_id}, [&](const store::Row& r) {
            using std::chrono::days;
            using std::chrono::sys_days;
            cal.closures.push_back(
                {r.str(0), Date{sys_days{days{r.i64(1)}}}, Date{sys_days{days{r.i64(2)}}}});
            return true;
          });
  tx.each("SELECT remark_id, text FROM garbage_remarks WHERE tenant_id = ? ORDER BY remark_id",
          {tenant_id}, [&](const store::Row& r) {
            cal.remarks.push_back({static_cast<int>(r.i64(0)), r.str(1)});
            return true;
          });
  tx.each(
      "SELECT category, name, notice, furigana FROM garbage_items WHERE tenant_id = ? ORDER BY id",
      {tenant_id}, [&](const store::Row& r) {
        cal.items.push_back({r.str(0), r.str(1), r.str(2), r.str(3)});
        return true;
      });
  return cal;
}

}  // namespace mg::garbage
