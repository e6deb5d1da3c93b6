#include "delivery/campaigns.h"

#include "channels/line/outbox.h"
#include "core/clock.h"
#include "core/json_parse.h"
#include "delivery/fanout.h"
#include "jobs/queue.h"

namespace mg::delivery {

namespace {

const char* kColumns =
    "id, tenant_id, title, messages, audience, status, fanout_cursor, fanout_done, "
    "targeted_count, queued_count, sent_count, failed_count, batch_count, created_by, "
    "created_at, updated_at, queued_at, finished_at, blocked_count, audience_frozen";

Campaign from_row(const store::Row& r) {
  Campaign c;
  c.id = r.i64(0);
  c.tenant_id = r.i64(1);
  c.title = r.str(2);
  c.messages = parse_stored_json(r.str(3));
  c.audience = parse_stored_json(r.str(4));
  c.status = r.str(5);
  c.cursor = r.i64(6);
  c.fanout_done = r.i64(7) != 0;
  c.targeted = r.i64(8);
  c.queued = r.i64(9);
  c.sent = r.i64(10);
  c.failed = r.i64(11);
  c.batches = r.i64(12);
  c.created_by = r.opt_i64(13);
  c.created_at = r.i64(14);
  c.updated_at = r.i64(15);
  c.queued_at = r.opt_i64(16);
  c.finished_at = r.opt_i64(17);
  c.blocked = r.i64(18);
  c.audience_frozen = r.i64(19) != 0;
  return c;
}

Json opt_json(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }

}  // namespace

Json to_json(const Campaign& c) {
  return Json{{"id", c.id},
              {"title", c.title},
              {"messages", c.messages},
              {"audience", c.audience},
              {"status", c.status},
              {"fanout_done", c.fanout_done},
              {"counts",
               {{"targeted", c.targeted},
                {"queued", c.queued},
                {"sent", c.sent},
                {"failed", c.failed},
                {"batches", c.batches}}},
              {"created_by", opt_json(c.created_by)},
              {"created_at", c.created_at},
              {"updated_at", c.updated_at},
              {"queued_at", opt_json(c.queued_at)},
              {"finished_at", opt_json(c.finished_at)},
              {"excluded_blocked", c.blocked}};
}

int64_t create(store::Tx& tx, const Campaign& c) {
  int64_t now = clock::now_ms();
  return tx.insert_id(
      "INSERT INTO campaigns(tenant_id, title, messages, audience, status, created_by, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, 'draft', ?, ?, ?) RETURNING id",
      {c.tenant_id, c.title, c.messages.dump(), c.audience.dump(), store::opt(c.created_by), now,
       now});
}

std::optional<Campaign> find(store::Tx& tx, int64_t tenant_id, int64_t id, bool lock) {
  auto r =
      tx.one(std::string("SELECT ") + kColumns + " FROM campaigns WHERE tenant_id = ? AND id = ?" +
                 (lock ? store::for_update(tx) : ""),
             {tenant_id, id});
  if (!r) return std::nullopt;
  return from_row(*r);
}

std::vector<Campaign> list(store::Tx& tx, int64_t tenant_id, int64_t before_id, int limit) {
  std::vector<Campaign> out;
  for (const auto& r :
       tx.query(std::string("SELECT ") + kColumns +
                    " FROM campaigns WHERE tenant_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                {tenant_id, before_id > 0 ? before_id : INT64_MAX, int64_t{limit}}))
    out.push_back(from_row(r));
  return out;
}

bool queue(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto c = find(tx, tenant_id, id, true);
  if (!c || c->status != "draft") return false;
  // One evaluation of the segment: the fan-out reads its batches from what this writes.
  auto frozen = freeze_audience(tx, tenant_id, id, c->audience);
  int64_t now = clock::now_ms();
  tx.exec(
      "UPDATE campaigns SET status = 'queued', targeted_count = ?, blocked_count = ?, queued_at = "
      "?, updated_at = ?, audience_frozen = 1 WHERE tenant_id = ? AND id = ? AND status = "
      "'draft'",
      {frozen.line, frozen.blocked, now, now, tenant_id, id});
  enqueue_fanout(tx, tenant_id, id);
  return true;
}

void enqueue_fanout(store::Tx& tx, int64_t tenant_id, int64_t id) {
  // No queue key: a second runner of the same campaign is harmless (each step locks the
  // campaign row and reads the cursor), and a resumed fan-out must not wait behind a job a
  // killed process left 'running'.
  jobs::EnqueueOptions opt;
  opt.tenant_id = tenant_id;
  jobs::enqueue(tx, "campaign.fanout", Json{{"campaign_id", id}}, opt);
}

int resume_fanouts(store::Db& db) {
  return db.write([](store::Tx& tx) {
    int n = 0;
    for (const auto& r :
         tx.query("SELECT id, tenant_id FROM campaigns WHERE status IN ('queued', 'sending') AND "
                  "fanout_done = 0")) {
      enqueue_fanout(tx, r.i64(1), r.i64(0));
      ++n;
    }
    return n;
  });
}

bool cancel(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto c = find(tx, tenant_id, id, true);
  if (!c || c->status == "sent" || c->status == "cancelled") return false;
  int64_t now = clock::now_ms();
  tx.exec(
      "UPDATE campaigns SET status = 'cancelled', finished_at = ?, updated_at = ? WHERE "
      "tenant_id = ? AND id = ?",
      {now, now, tenant_id, id});
  // Batches already on the wire finish and are counted; the rest never leave.
  line::cancel_campaign_batches(tx, tenant_id, id);
  drop_audience(tx, tenant_id, id);
  return true;
}

void record_batch(store::Tx& tx, int64_t tenant_id, int64_t campaign_id, int64_t recipients,
                  bool sent) {
  int64_t now = clock::now_ms();
  // Right-hand sides read the row as it was, so "sent + failed + n" is the new total.
  tx.exec(
      "UPDATE campaigns SET sent_count = sent_count + ?, failed_count = failed_count + ?, "
      "updated_at = ?, finished_at = CASE WHEN status = 'sending' AND fanout_done = 1 AND "
      "sent_count + failed_count + ? >= queued_count THEN ? ELSE finished_at END, status = CASE "
      "WHEN status = 'sending' AND fanout_done = 1 AND sent_count + failed_count + ? >= "
      "queued_count THEN 'sent' ELSE status END WHERE tenant_id = ? AND id = ?",
      {sent ? recipients : 0, sent ? 0 : recipients, now, recipients, now, recipients, tenant_id,
       campaign_id});
}

std::vector<int64_t> finished_before(store::Tx& tx, int64_t before_ms, int limit) {
  std::vector<int64_t> out;
  for (const auto& r :
       tx.query("SELECT id FROM campaigns WHERE finished_at IS NOT NULL AND purged_at IS NULL AND "
                "finished_at < ? AND status IN ('sent', 'cancelled') ORDER BY finished_at LIMIT ?",
                {before_ms, int64_t{limit}}))
    out.push_back(r.i64(0));
  return out;
}

void mark_purged(store::Tx& tx, int64_t campaign_id, int64_t now_ms) {
  tx.exec("UPDATE campaigns SET purged_at = ? WHERE id = ?", {now_ms, campaign_id});
}

}  // namespace mg::delivery
