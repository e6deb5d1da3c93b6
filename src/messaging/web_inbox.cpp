#include "messaging/web_inbox.h"

#include <algorithm>

#include "core/clock.h"

namespace mg::messaging {

namespace {
store::Value app_id(const Message& m) { return store::opt(m.application_id); }
}  // namespace

void WebInbox::enqueue(store::Tx& tx, const Recipient& to, const Message& m) {
  check(m);
  tx.exec(
      "INSERT INTO resident_messages(tenant_id, resident_id, kind, title, text, link, "
      "application_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {to.tenant_id, to.resident_id, m.kind, m.title, m.text, m.link, app_id(m), clock::now_ms()});
}

int64_t deliver_to_web(store::Tx& tx, int64_t tenant_id, const std::string& resident_filter_sql,
                       const store::Params& params, const WebMessage& m) {
  check(m);
  // Built one by one: GCC 12 warns (maybe-uninitialized) on a braced list of these here.
  store::Params all;
  all.reserve(7 + params.size());
  for (const auto& s : {m.kind, m.title, m.text, m.link}) all.emplace_back(s);
  all.push_back(app_id(m));
  all.emplace_back(clock::now_ms());
  all.emplace_back(tenant_id);
  for (const auto& p : params) all.push_back(p);
  std::string filter = resident_filter_sql.empty() ? "" : " AND (" + resident_filter_sql + ")";
  return tx.exec(
      "INSERT INTO resident_messages(tenant_id, resident_id, kind, title, text, link, "
      "application_id, created_at) SELECT r.tenant_id, r.id, ?, ?, ?, ?, ?, ? FROM residents r "
      "WHERE r.tenant_id = ? AND r.channel = 'web' AND r.status = 'active'" +
          filter,
      all);
}

int64_t unread_count(store::Tx& tx, int64_t tenant_id, int64_t resident_id) {
  return tx
      .one(
          "SELECT COUNT(*) FROM resident_messages WHERE tenant_id = ? AND resident_id = ? AND "
          "read_at IS NULL",
          {tenant_id, resident_id})
      ->i64(0);
}

Json inbox_page(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                std::optional<int64_t> before_id, int limit) {
  limit = std::clamp(limit, 1, kInboxPageMax);
  store::Params params{tenant_id, resident_id};
  std::string before;
  if (before_id) {
    before = " AND id < ?";
    params.push_back(*before_id);
  }
  // One more than asked tells whether older messages remain.
  params.push_back(int64_t{limit} + 1);
  auto rows = tx.query(
      "SELECT id, kind, title, text, link, application_id, created_at, read_at FROM "
      "resident_messages WHERE tenant_id = ? AND resident_id = ?" +
          before + " ORDER BY id DESC LIMIT ?",
      params);
  Json items = Json::array();
  for (std::size_t i = 0; i < rows.size() && i < static_cast<std::size_t>(limit); ++i) {
    const auto& r = rows[i];
    items.push_back({{"id", r.i64(0)},
                     {"kind", r.str(1)},
                     {"title", r.str(2)},
                     {"text", r.str(3)},
                     {"link", r.is_null(4) || r.str(4).empty() ? Json(nullptr) : Json(r.str(4))},
                     {"application_id", r.is_null(5) ? Json(nullptr) : Json(r.i64(5))},
                     {"created_at", r.i64(6)},
                     {"read", !r.is_null(7)}});
  }
  Json next =
      rows.size() > static_cast<std::size_t>(limit) ? Json(items.back()["id"]) : Json(nullptr);
  return {{"items", items},
          {"unread", unread_count(tx, tenant_id, resident_id)},
          {"next_before", next}};
}

int64_t mark_read(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                  const std::vector<int64_t>& ids, int64_t now_ms) {
  store::Params params{now_ms, tenant_id, resident_id};
  std::string in;
  if (!ids.empty()) {
    in = " AND id IN (";
    for (std::size_t i = 0; i < ids.size(); ++i) {
      in += i ? ", ?" : "?";
      params.push_back(ids[i]);
    }
    in += ")";
  }
  return tx.exec(
      "UPDATE resident_messages SET read_at = ? WHERE tenant_id = ? AND resident_id = ? AND "
      "read_at IS NULL" +
          in,
      params);
}

}  // namespace mg::messaging
