#include "channels/line/outbox.h"

#include "store/dialect.h"

#include "channels/line/line_limits.h"
#include "core/clock.h"
#include "core/crypto.h"

#include <openssl/rand.h>

#include <stdexcept>

namespace mg::line {

std::string new_retry_key() {
  // UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. LINE takes any
  // UUID; a time-ordered one appends to the UNIQUE retry_key index instead of dirtying a random
  // page of it on every insert.
  unsigned char b[16];
  if (RAND_bytes(b + 6, 10) != 1) throw std::runtime_error("RAND_bytes failed");
  auto ms = static_cast<uint64_t>(clock::now_ms());
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x70);  // version 7
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // variant 10xx
  static const char* hex = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(hex[b[i] >> 4]);
    s.push_back(hex[b[i] & 15]);
  }
  return s;
}

int enqueue_messages(store::Tx& tx, const OutgoingMessages& out) {
  if (!out.messages.is_array() || out.messages.empty()) return 0;
  int64_t now = clock::now_ms();
  int rows = 0;
  for (size_t i = 0; i < out.messages.size(); i += kMaxMessagesPerRequest) {
    // Serialised piecewise: the same text as dumping an array copy of the chunk.
    std::string chunk = "[";
    for (size_t j = i; j < out.messages.size() && j < i + kMaxMessagesPerRequest; ++j) {
      if (j > i) chunk.push_back(',');
      chunk += out.messages[j].dump();
    }
    chunk.push_back(']');
    bool first = i == 0 && out.reply_token && !out.reply_token->empty();
    tx.exec(
        "INSERT INTO line_outbox(tenant_id, user_id, reply_token, reply_token_at, messages, "
        "retry_key, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
        {out.tenant_id, out.user_id, first ? store::Value(*out.reply_token) : store::Value(nullptr),
         first ? store::Value(out.reply_token_at) : store::Value(nullptr), std::move(chunk),
         new_retry_key(), now});
    ++rows;
  }
  return rows;
}

MulticastBatch enqueue_multicast(store::Tx& tx, int64_t tenant_id,
                                 const std::vector<std::string>& user_ids, const Json& messages,
                                 std::optional<int64_t> campaign_id) {
  if (!messages.is_array() || messages.empty() || messages.size() > kMaxMessagesPerRequest)
    throw std::invalid_argument("multicast: 1 to 5 messages");
  if (user_ids.empty() || user_ids.size() > kMaxMulticastRecipients)
    throw std::invalid_argument("multicast: 1 to 500 recipients");
  std::string to;
  for (const auto& u : user_ids) {
    if (u.empty() || u.find(',') != std::string::npos)
      throw std::invalid_argument("multicast: bad user id");
    if (!to.empty()) to.push_back(',');
    to += u;
  }
  MulticastBatch b;
  b.recipients = static_cast<int64_t>(user_ids.size());
  b.outbox_id = tx.insert_id(
      "INSERT INTO line_outbox(tenant_id, user_id, messages, retry_key, status, created_at, "
      "recipients, recipient_count, campaign_id) VALUES (?, '', ?, ?, 'pending', ?, ?, ?, ?) "
      "RETURNING id",
      {tenant_id, messages.dump(), new_retry_key(), clock::now_ms(), std::move(to), b.recipients,
       store::opt(campaign_id)});
  return b;
}

std::optional<MulticastBatch> enqueue_multicast_select(store::Tx& tx, int64_t tenant_id,
                                                       const std::string& messages_json,
                                                       std::string_view recipients_sql,
                                                       const store::Params& params,
                                                       std::optional<int64_t> campaign_id) {
  // The one aggregate the two backends spell differently (SQLite 3.40 has no string_agg).
  std::string agg = store::comma_joined(tx, "b.uid");
  std::string sql =
      "INSERT INTO line_outbox(tenant_id, user_id, messages, retry_key, status, created_at, "
      "recipients, recipient_count, campaign_id, priority) SELECT CAST(? AS BIGINT), '', CAST(? "
      "AS TEXT), CAST(? AS TEXT), 'pending', CAST(? AS BIGINT), " +
      agg +
      ", COUNT(*), CAST(? AS BIGINT), COALESCE((SELECT MAX(cp.priority) FROM "
      "line_campaign_priority cp WHERE cp.tenant_id = ? AND cp.campaign_id = ?), 0) FROM (" +
      std::string(recipients_sql) + ") b HAVING COUNT(*) > 0 RETURNING id, recipient_count";
  // The batch carries its campaign's priority from the moment it exists (set_campaign_priority),
  // so the dispatcher never sees an emergency batch at the ordinary priority.
  store::Params p{
      tenant_id, messages_json,          new_retry_key(), clock::now_ms(), store::opt(campaign_id),
      tenant_id, store::opt(campaign_id)};
  p.insert(p.end(), params.begin(), params.end());
  auto row = tx.one(sql, p);
  if (!row) return std::nullopt;
  return MulticastBatch{row->i64(0), row->i64(1)};
}

void set_campaign_priority(store::Tx& tx, int64_t tenant_id, int64_t campaign_id,
                           int64_t priority) {
  tx.exec(
      "INSERT INTO line_campaign_priority(tenant_id, campaign_id, priority) VALUES (?, ?, ?) ON "
      "CONFLICT (tenant_id, campaign_id) DO UPDATE SET priority = excluded.priority",
      {tenant_id, campaign_id, priority});
  // Batches written before (none for a new campaign) follow too.
  tx.exec(
      "UPDATE line_outbox SET priority = ? WHERE campaign_id = ? AND status = 'pending' AND "
      "tenant_id = ?",
      {priority, campaign_id, tenant_id});
}

int64_t cancel_campaign_batches(store::Tx& tx, int64_t tenant_id, int64_t campaign_id) {
  auto n = tx.one(
      "SELECT COALESCE(SUM(recipient_count), 0) FROM line_outbox WHERE campaign_id = ? AND "
      "status = 'pending' AND tenant_id = ?",
      {campaign_id, tenant_id});
  tx.exec(
      "UPDATE line_outbox SET status = 'cancelled' WHERE campaign_id = ? AND status = 'pending' "
      "AND tenant_id = ?",
      {campaign_id, tenant_id});
  return n ? n->i64(0) : 0;
}

int64_t delete_sent_before(store::Tx& tx, int64_t before_ms, int64_t limit) {
  // Oldest first in id order, so each chunk finds its rows at the start of the table.
  return tx.exec(
      "DELETE FROM line_outbox WHERE id IN (SELECT id FROM line_outbox WHERE status = 'sent' AND "
      "sent_at < ? ORDER BY id LIMIT ?)",
      {before_ms, limit});
}

int64_t delete_campaign_batches(store::Tx& tx, int64_t campaign_id, int64_t limit) {
  return tx.exec(
      "DELETE FROM line_outbox WHERE id IN (SELECT id FROM line_outbox WHERE campaign_id = ? "
      "AND status NOT IN ('pending', 'sending') LIMIT ?)",
      {campaign_id, limit});
}

}  // namespace mg::line
