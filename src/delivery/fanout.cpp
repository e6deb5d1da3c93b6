#include "delivery/fanout.h"

#include <stdexcept>

#include "channels/line/outbox.h"
#include "core/clock.h"
#include "core/log.h"
#include "delivery/campaigns.h"
#include "messaging/web_inbox.h"
#include "residents/condition.h"

namespace mg::delivery {

namespace {

// Active LINE residents of the tenant: r.external_id is the LINE user id.
const char* kLineResidents =
    "FROM residents r WHERE r.tenant_id = ? AND r.channel = 'line' AND r.status = 'active'";

// The campaign as an inbox message: its title and the text of its LINE messages.
messaging::WebMessage web_message(const Campaign& c) {
  messaging::WebMessage m;
  m.kind = "notice";
  m.title = c.title;
  for (const auto& msg : c.messages)
    if (msg.is_object() && msg.value("type", "") == "text")
      m.text += (m.text.empty() ? "" : "\n\n") + msg.value("text", std::string());
  return m;
}

}  // namespace

ResidentFilter audience_filter(const Json& audience) {
  std::string kind;
  if (audience.is_object() && audience.contains("kind") && audience["kind"].is_string())
    kind = audience["kind"].get<std::string>();
  if (kind == "all") return {};
  if (kind == "residents") {
    ResidentFilter f;
    if (!audience.contains("resident_ids")) return {"1 = 0", {}};
    const Json& ids = audience["resident_ids"];
    if (!ids.is_array() || ids.empty()) return {"1 = 0", {}};
    f.sql = "r.id IN (";
    for (size_t i = 0; i < ids.size(); ++i) {
      if (!ids[i].is_number_integer()) throw std::invalid_argument("bad resident id");
      f.sql += i ? ", ?" : "?";
      f.params.emplace_back(ids[i].get<int64_t>());
    }
    f.sql += ")";
    return f;
  }
  throw std::invalid_argument("unknown audience kind");
}

ResidentFilter audience_filter(store::Tx& tx, int64_t tenant_id, const Json& audience) {
  if (audience.is_object() && audience.value("kind", "") == "condition") {
    auto compiled = residents::compile_condition(
        audience.contains("condition") ? audience["condition"] : Json(nullptr),
        residents::load_definitions(tx, tenant_id), tenant_id);
    return {compiled.sql, compiled.params};
  }
  return audience_filter(audience);
}

int64_t count_line_targets(store::Tx& tx, int64_t tenant_id, const ResidentFilter& f) {
  store::Params p{tenant_id};
  p.insert(p.end(), f.params.begin(), f.params.end());
  return tx.one(std::string("SELECT COUNT(*) ") + kLineResidents + " AND (" + f.sql + ")", p)
      ->i64(0);
}

StepResult fanout_step(store::Tx& tx, int64_t tenant_id, int64_t campaign_id) {
  // Locked (PostgreSQL): a second runner of the same campaign waits here and then sees the
  // moved cursor, so no batch is written twice.
  auto c = find(tx, tenant_id, campaign_id, true);
  if (!c || c->fanout_done || (c->status != "queued" && c->status != "sending")) return {};
  ResidentFilter f = audience_filter(tx, tenant_id, c->audience);
  int64_t now = clock::now_ms();

  // The next batch's last resident id: the batch is then the id range (cursor, last], which
  // the INSERT ... SELECT below reads again without a LIMIT.
  store::Params p{tenant_id, c->cursor};
  p.insert(p.end(), f.params.begin(), f.params.end());
  p.emplace_back(kBatchSize);
  auto range =
      tx.one(std::string("SELECT MAX(b.rid), COUNT(*) FROM (SELECT r.id AS rid ") + kLineResidents +
                 " AND r.id > ? AND (" + f.sql + ") ORDER BY r.id LIMIT ?) b",
             p);
  int64_t n = range ? range->i64(1) : 0;
  int64_t last = n > 0 ? range->i64(0) : c->cursor;

  int64_t written = 0;
  if (n > 0) {
    store::Params q{tenant_id, c->cursor, last};
    q.insert(q.end(), f.params.begin(), f.params.end());
    auto batch = line::enqueue_multicast_select(
        tx, tenant_id, c->messages.dump(),
        std::string("SELECT r.external_id AS uid ") + kLineResidents +
            " AND r.id > ? AND r.id <= ? AND (" + f.sql + ")",
        q, campaign_id);
    written = batch ? batch->recipients : 0;
  }

  // Web residents of the same id range get the campaign in their inbox (お知らせ), in this
  // transaction; the last step takes every remaining id.
  bool done = n < kBatchSize;
  {
    store::Params w{c->cursor};
    if (!done) w.emplace_back(last);
    w.insert(w.end(), f.params.begin(), f.params.end());
    std::string range_sql = done ? "r.id > ?" : "r.id > ? AND r.id <= ?";
    messaging::deliver_to_web(tx, tenant_id,
                              range_sql + (f.sql.empty() ? "" : " AND (" + f.sql + ")"), w,
                              web_message(*c));
  }
  tx.exec(
      "UPDATE campaigns SET fanout_cursor = ?, queued_count = queued_count + ?, batch_count = "
      "batch_count + ?, fanout_done = ?, status = 'sending', updated_at = ? WHERE tenant_id = ? "
      "AND id = ?",
      {last, written, int64_t{written > 0 ? 1 : 0}, int64_t{done ? 1 : 0}, now, tenant_id,
       campaign_id});
  if (done) {
    // Every batch may already have its outcome (or there was none to send).
    tx.exec(
        "UPDATE campaigns SET status = 'sent', finished_at = ? WHERE tenant_id = ? AND id = ? AND "
        "status = 'sending' AND sent_count + failed_count >= queued_count",
        {now, tenant_id, campaign_id});
  }
  return {written, done};
}

int64_t run_fanout(store::Db& db, int64_t tenant_id, int64_t campaign_id,
                   const std::function<void()>& after_step) {
  int64_t batches = 0;
  for (;;) {
    auto step = db.write([&](store::Tx& tx) { return fanout_step(tx, tenant_id, campaign_id); });
    if (step.recipients > 0) {
      ++batches;
      if (after_step) after_step();
    }
    if (step.done) break;
  }
  log::info("campaign fan-out done", {{"campaign_id", campaign_id}, {"batches", batches}});
  return batches;
}

}  // namespace mg::delivery
