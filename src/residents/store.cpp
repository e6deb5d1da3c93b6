#include "residents/store.h"

#include <mutex>

#include <algorithm>

#include "core/clock.h"
#include "core/json_parse.h"

namespace mg::residents {

namespace {

constexpr const char* kDefinitionCols =
    "id, tenant_id, attr_key, label, value_type, multiple, options, resident_editable, position, "
    "resident_label, resident_help";

AttributeDefinition to_definition(const store::Row& r) {
  AttributeDefinition d;
  d.id = r.i64(0);
  d.tenant_id = r.i64(1);
  d.key = r.str(2);
  d.label = r.str(3);
  d.type = attribute_type_from(r.str(4)).value_or(AttributeType::text);
  d.multiple = r.i64(5) != 0;
  Json opts = parse_stored_json(r.str(6));
  if (opts.is_array())
    for (const auto& o : opts)
      if (o.is_object())
        d.options.push_back({o.value("value", std::string()), o.value("label", std::string())});
  d.resident_editable = r.i64(7) != 0;
  d.position = r.i64(8);
  d.resident_label = r.str(9);
  d.resident_help = r.str(10);
  return d;
}

std::string options_text(const AttributeDefinition& d) {
  Json out = Json::array();
  for (const auto& o : d.options) out.push_back({{"value", o.value}, {"label", o.label}});
  return out.dump();
}

Identity to_identity(const store::Row& r) { return {r.i64(0), r.str(1), r.str(2), r.i64(3)}; }

bool well_formed_key(const std::string& k) {
  if (k.empty() || k.size() > 40) return false;
  for (char c : k)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

}  // namespace

// ---- residents and identities --------------------------------------------------------------

std::optional<Resident> find(store::Tx& tx, int64_t tenant_id, const std::string& channel,
                             const std::string& external_id) {
  auto r = tx.one(
      "SELECT r.id, r.channel, r.status FROM resident_identities i JOIN residents r ON r.id = "
      "i.resident_id AND r.tenant_id = i.tenant_id WHERE i.tenant_id = ? AND i.channel = ? AND "
      "i.external_id = ?",
      {tenant_id, channel, external_id});
  if (!r) return std::nullopt;
  return Resident{r->i64(0), tenant_id, r->str(1), r->str(2)};
}

Resident find_or_create(store::Tx& tx, int64_t tenant_id, const std::string& channel,
                        const std::string& external_id) {
  if (auto r = find(tx, tenant_id, channel, external_id)) return *r;
  int64_t now = clock::now_ms();
  // Both inserts tolerate a concurrent creator (PostgreSQL): the rows then exist already.
  tx.exec(
      "INSERT INTO residents(tenant_id, channel, external_id, status, created_at, updated_at) "
      "VALUES (?, ?, ?, 'active', ?, ?) ON CONFLICT (tenant_id, channel, external_id) DO NOTHING",
      {tenant_id, channel, external_id, now, now});
  int64_t id = tx.one(
                     "SELECT id FROM residents WHERE tenant_id = ? AND channel = ? AND "
                     "external_id = ?",
                     {tenant_id, channel, external_id})
                   ->i64(0);
  tx.exec(
      "INSERT INTO resident_identities(tenant_id, resident_id, channel, external_id, created_at) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, channel, external_id) DO NOTHING",
      {tenant_id, id, channel, external_id, now});
  return *find(tx, tenant_id, channel, external_id);
}

std::optional<Resident> by_id(store::Tx& tx, int64_t tenant_id, int64_t resident_id) {
  auto r = tx.one("SELECT id, channel, status FROM residents WHERE tenant_id = ? AND id = ?",
                  {tenant_id, resident_id});
  if (!r) return std::nullopt;
  return Resident{r->i64(0), tenant_id, r->str(1), r->str(2)};
}

bool issued(store::Tx& tx, const std::string& channel, const std::string& external_id) {
  // Across tenants on purpose: a token any tenant issued is ours.
  return tx
      .one("SELECT 1 FROM resident_identities WHERE channel = ? AND external_id = ? LIMIT 1",
           {channel, external_id})
      .has_value();
}

void set_status(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const std::string& status) {
  int64_t now = clock::now_ms();
  // A block (LINE unfollow) is remembered with its time: the block rate after a delivery.
  if (status == "blocked")
    tx.exec(
        "INSERT INTO resident_blocks (tenant_id, resident_id, blocked_at) SELECT tenant_id, id, ? "
        "FROM residents WHERE tenant_id = ? AND id = ? AND status <> 'blocked'",
        {now, tenant_id, resident_id});
  tx.exec("UPDATE residents SET status = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
          {status, now, tenant_id, resident_id});
}

int64_t count_blocked_between(store::Tx& tx, int64_t tenant_id, int64_t from_ms, int64_t until_ms,
                              int64_t max_resident_id, const std::string& filter_sql,
                              const store::Params& filter_params) {
  store::Params p{tenant_id, from_ms, until_ms, max_resident_id};
  p.insert(p.end(), filter_params.begin(), filter_params.end());
  return tx
      .one(
          "SELECT COUNT(DISTINCT b.resident_id) FROM resident_blocks b JOIN residents r ON r.id = "
          "b.resident_id AND r.tenant_id = b.tenant_id WHERE b.tenant_id = ? AND b.blocked_at >= "
          "? AND b.blocked_at < ? AND r.channel = 'line' AND r.id <= ? AND (" +
              filter_sql + ")",
          p)
      ->i64(0);
}

bool resident_matches(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                      const std::string& filter_sql, const store::Params& filter_params) {
  store::Params p{tenant_id, resident_id};
  p.insert(p.end(), filter_params.begin(), filter_params.end());
  return tx.one("SELECT COUNT(*) FROM residents r WHERE r.tenant_id = ? AND r.id = ? AND (" +
                    filter_sql + ")",
                p)
             ->i64(0) > 0;
}

namespace {
std::mutex changed_mutex;
std::vector<AttributesChanged>& changed_observers() {
  static std::vector<AttributesChanged> v;
  return v;
}
}  // namespace

void on_attributes_changed(AttributesChanged observer) {
  std::lock_guard lock(changed_mutex);
  changed_observers().push_back(std::move(observer));
}

void attributes_changed(store::Tx& tx, int64_t tenant_id, int64_t resident_id) {
  std::vector<AttributesChanged> copy;
  {
    std::lock_guard lock(changed_mutex);
    copy = changed_observers();
  }
  for (const auto& f : copy) f(tx, tenant_id, resident_id);
}

store::Subquery count_query(int64_t tenant_id) {
  // The counter the triggers of migration 42 keep, not a scan of up to a million rows.
  return {"(SELECT COALESCE(MAX(n), 0) FROM resident_counts WHERE tenant_id = ?)", {tenant_id}};
}

int64_t count(store::Tx& tx, int64_t tenant_id) {
  return store::scalars(tx, {count_query(tenant_id)})[0];
}

bool link_identity(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                   const std::string& channel, const std::string& external_id) {
  return tx.exec(
             "INSERT INTO resident_identities(tenant_id, resident_id, channel, external_id, "
             "created_at) SELECT ?, id, ?, ?, ? FROM residents WHERE tenant_id = ? AND id = ? "
             "ON CONFLICT (tenant_id, channel, external_id) DO NOTHING",
             {tenant_id, channel, external_id, clock::now_ms(), tenant_id, resident_id}) == 1;
}

std::vector<Identity> identities_of(store::Tx& tx, int64_t tenant_id, int64_t resident_id) {
  std::vector<Identity> out;
  for (const auto& r :
       tx.query("SELECT resident_id, channel, external_id, created_at FROM resident_identities "
                "WHERE tenant_id = ? AND resident_id = ? ORDER BY id",
                {tenant_id, resident_id}))
    out.push_back(to_identity(r));
  return out;
}

std::vector<Identity> identities_on(store::Tx& tx, int64_t tenant_id, const std::string& channel) {
  std::vector<Identity> out;
  tx.each(
      "SELECT resident_id, channel, external_id, created_at FROM resident_identities WHERE "
      "tenant_id = ? AND channel = ? ORDER BY resident_id, id",
      {tenant_id, channel}, [&](const store::Row& r) {
        out.push_back(to_identity(r));
        return true;
      });
  return out;
}

std::vector<Identity> identities_on(store::Tx& tx, int64_t tenant_id, const std::string& channel,
                                    int64_t resident_id) {
  std::vector<Identity> out;
  for (const auto& r :
       tx.query("SELECT resident_id, channel, external_id, created_at FROM resident_identities "
                "WHERE tenant_id = ? AND channel = ? AND resident_id = ? ORDER BY id",
                {tenant_id, channel, resident_id}))
    out.push_back(to_identity(r));
  return out;
}

// ---- attribute definitions -----------------------------------------------------------------

std::vector<AttributeDefinition> list_definitions(store::Tx& tx, int64_t tenant_id) {
  std::vector<AttributeDefinition> out;
  for (const auto& r : tx.query(std::string("SELECT ") + kDefinitionCols +
                                    " FROM attribute_definitions WHERE tenant_id = ? ORDER BY "
                                    "position, id",
                                {tenant_id}))
    out.push_back(to_definition(r));
  return out;
}

std::optional<AttributeDefinition> definition_by_id(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto r = tx.one(std::string("SELECT ") + kDefinitionCols +
                      " FROM attribute_definitions WHERE tenant_id = ? AND id = ?",
                  {tenant_id, id});
  if (!r) return std::nullopt;
  return to_definition(*r);
}

std::optional<AttributeDefinition> definition_by_key(store::Tx& tx, int64_t tenant_id,
                                                     const std::string& key) {
  auto r = tx.one(std::string("SELECT ") + kDefinitionCols +
                      " FROM attribute_definitions WHERE tenant_id = ? AND attr_key = ?",
                  {tenant_id, key});
  if (!r) return std::nullopt;
  return to_definition(*r);
}

int64_t count_definitions(store::Tx& tx, int64_t tenant_id) {
  return tx.one("SELECT COUNT(*) FROM attribute_definitions WHERE tenant_id = ?", {tenant_id})
      ->i64(0);
}

int64_t insert_definition(store::Tx& tx, const AttributeDefinition& d) {
  int64_t now = clock::now_ms();
  return tx.insert_id(
      "INSERT INTO attribute_definitions(tenant_id, attr_key, label, value_type, multiple, "
      "options, resident_editable, position, resident_label, resident_help, created_at, "
      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {d.tenant_id, d.key, d.label, std::string(to_string(d.type)), int64_t{d.multiple},
       options_text(d), int64_t{d.resident_editable}, d.position, d.resident_label, d.resident_help,
       now, now});
}

void update_definition(store::Tx& tx, const AttributeDefinition& d) {
  tx.exec(
      "UPDATE attribute_definitions SET label = ?, multiple = ?, options = ?, "
      "resident_editable = ?, position = ?, resident_label = ?, resident_help = ?, "
      "updated_at = ? WHERE tenant_id = ? AND id = ?",
      {d.label, int64_t{d.multiple}, options_text(d), int64_t{d.resident_editable}, d.position,
       d.resident_label, d.resident_help, clock::now_ms(), d.tenant_id, d.id});
}

void delete_definition(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& key) {
  tx.exec("DELETE FROM resident_attributes WHERE tenant_id = ? AND attr_key = ?", {tenant_id, key});
  tx.exec("DELETE FROM attribute_definitions WHERE tenant_id = ? AND id = ?", {tenant_id, id});
}

// ---- attribute values ----------------------------------------------------------------------

std::vector<AttributeValue> values_of(store::Tx& tx, int64_t tenant_id, int64_t resident_id) {
  std::vector<AttributeValue> out;
  for (const auto& r :
       tx.query("SELECT attr_key, text_value, number_value, date_value FROM resident_attributes "
                "WHERE tenant_id = ? AND resident_id = ? ORDER BY attr_key, id",
                {tenant_id, resident_id})) {
    AttributeValue v;
    v.key = r.str(0);
    v.text = r.opt_str(1);
    if (!r.is_null(2)) v.number = r.f64(2);
    v.date = r.opt_str(3);
    out.push_back(std::move(v));
  }
  return out;
}

std::map<int64_t, std::vector<AttributeValue>> values_of_many(
    store::Tx& tx, int64_t tenant_id, const std::vector<int64_t>& ids,
    const std::vector<std::string>& keys) {
  std::map<int64_t, std::vector<AttributeValue>> out;
  if (ids.empty() || keys.empty()) return out;
  constexpr std::size_t kChunk = 500;  // bound the parameter count
  for (std::size_t at = 0; at < ids.size(); at += kChunk) {
    store::Params p{tenant_id};
    std::string sql =
        "SELECT resident_id, attr_key, text_value, number_value, date_value FROM "
        "resident_attributes WHERE tenant_id = ? AND attr_key IN (";
    for (std::size_t i = 0; i < keys.size(); ++i) {
      sql += i ? ", ?" : "?";
      p.emplace_back(keys[i]);
    }
    sql += ") AND resident_id IN (";
    for (std::size_t i = at; i < ids.size() && i < at + kChunk; ++i) {
      sql += i > at ? ", ?" : "?";
      p.emplace_back(ids[i]);
    }
    sql += ") ORDER BY resident_id, attr_key, id";
    for (const auto& r : tx.query(sql, p)) {
      AttributeValue v;
      v.key = r.str(1);
      v.text = r.opt_str(2);
      if (!r.is_null(3)) v.number = r.f64(3);
      v.date = r.opt_str(4);
      out[r.i64(0)].push_back(std::move(v));
    }
  }
  return out;
}

void replace_values(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const std::string& key,
                    const std::vector<AttributeValue>& values) {
  tx.one(std::string("SELECT id FROM residents WHERE tenant_id = ? AND id = ?") +
             store::for_update(tx),
         {tenant_id, resident_id});
  delete_values(tx, tenant_id, resident_id, key);
  int64_t now = clock::now_ms();
  for (const auto& v : values)
    tx.exec(
        "INSERT INTO resident_attributes(tenant_id, resident_id, attr_key, text_value, "
        "number_value, date_value, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {tenant_id, resident_id, key, store::opt(v.text), store::opt(v.number), store::opt(v.date),
         now});
}

void delete_values(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const std::string& key) {
  tx.exec(
      "DELETE FROM resident_attributes WHERE tenant_id = ? AND resident_id = ? AND attr_key = ?",
      {tenant_id, resident_id, key});
}

int64_t residents_with_several(store::Tx& tx, int64_t tenant_id, const std::string& key) {
  return tx
      .one(
          "SELECT COUNT(*) FROM (SELECT resident_id FROM resident_attributes WHERE tenant_id = ? "
          "AND attr_key = ? GROUP BY resident_id HAVING COUNT(*) > 1) several",
          {tenant_id, key})
      ->i64(0);
}

std::vector<std::string> text_values_in_use(store::Tx& tx, int64_t tenant_id,
                                            const std::string& key) {
  std::vector<std::string> out;
  for (const auto& r :
       tx.query("SELECT DISTINCT text_value FROM resident_attributes WHERE tenant_id = ? AND "
                "attr_key = ? AND text_value IS NOT NULL ORDER BY text_value",
                {tenant_id, key}))
    out.push_back(r.str(0));
  return out;
}

std::vector<Identity> identities_with_text(store::Tx& tx, int64_t tenant_id,
                                           const std::string& channel, const std::string& key,
                                           const std::string& value) {
  std::vector<Identity> out;
  tx.each(
      "SELECT i.resident_id, i.channel, i.external_id, i.created_at FROM resident_identities i "
      "WHERE i.tenant_id = ? AND i.channel = ? AND EXISTS (SELECT 1 FROM resident_attributes a "
      "WHERE a.tenant_id = i.tenant_id AND a.resident_id = i.resident_id AND a.attr_key = ? AND "
      "a.text_value = ?) ORDER BY i.resident_id, i.id",
      {tenant_id, channel, key, value}, [&](const store::Row& r) {
        out.push_back(to_identity(r));
        return true;
      });
  return out;
}

std::vector<std::pair<Identity, std::string>> identities_with_key(store::Tx& tx, int64_t tenant_id,
                                                                  const std::string& channel,
                                                                  const std::string& key) {
  std::vector<std::pair<Identity, std::string>> out;
  tx.each(
      "SELECT i.resident_id, i.channel, i.external_id, i.created_at, a.text_value FROM "
      "resident_identities i JOIN resident_attributes a ON a.tenant_id = i.tenant_id AND "
      "a.resident_id = i.resident_id WHERE i.tenant_id = ? AND i.channel = ? AND a.attr_key = ? "
      "AND a.text_value IS NOT NULL ORDER BY i.resident_id, i.id, a.id",
      {tenant_id, channel, key}, [&](const store::Row& r) {
        out.emplace_back(to_identity(r), r.str(4));
        return true;
      });
  return out;
}

int64_t carry_over_json_attributes(store::Db& db) {
  // Ids first, then writes of a few hundred residents each: a town with many LINE friends
  // converts quickly, and no transaction holds the writer long.
  constexpr std::size_t kBatch = 500;
  std::vector<std::pair<int64_t, int64_t>> pending;  // (tenant, resident)
  db.read([&](store::Tx& tx) {
    tx.each("SELECT tenant_id, id FROM residents WHERE attributes <> '{}' ORDER BY id", {},
            [&](const store::Row& r) {
              pending.emplace_back(r.i64(0), r.i64(1));
              return true;
            });
  });
  for (std::size_t from = 0; from < pending.size(); from += kBatch) {
    db.write([&](store::Tx& tx) {
      for (std::size_t i = from; i < std::min(pending.size(), from + kBatch); ++i) {
        auto [tenant_id, id] = pending[i];
        auto r =
            tx.one(std::string("SELECT attributes FROM residents WHERE tenant_id = ? AND id = ?") +
                       store::for_update(tx),
                   {tenant_id, id});
        if (!r) continue;
        Json attrs = parse_stored_json(r->str(0));
        Json rest = Json::object();  // what cannot be carried over stays in the column
        if (attrs.is_object()) {
          for (auto it = attrs.begin(); it != attrs.end(); ++it) {
            if (!well_formed_key(it.key()) || !it.value().is_string()) {
              rest[it.key()] = it.value();
              continue;
            }
            bool present = tx.one(
                                 "SELECT 1 FROM resident_attributes WHERE tenant_id = ? AND "
                                 "resident_id = ? AND attr_key = ?",
                                 {tenant_id, id, it.key()})
                               .has_value();
            if (!present) {
              AttributeValue v;
              v.key = it.key();
              v.text = it.value().get<std::string>();
              replace_values(tx, tenant_id, id, it.key(), {v});
            }
          }
        } else if (!attrs.is_discarded()) {
          rest = attrs;
        }
        // Malformed text is dropped: nothing could ever read it.
        tx.exec("UPDATE residents SET attributes = ? WHERE tenant_id = ? AND id = ?",
                {rest.empty() ? std::string("{}") : rest.dump(), tenant_id, id});
      }
    });
  }
  return static_cast<int64_t>(pending.size());
}

}  // namespace mg::residents
