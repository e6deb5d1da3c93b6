#include "channels/line/outbox.h"

#include "channels/line/line_limits.h"
#include "core/clock.h"
#include "core/crypto.h"

namespace mg::line {

std::string new_retry_key() {
  std::string h = crypto::sha256_hex(crypto::random_token(32)).substr(0, 32);
  h[12] = '4';
  static const char* variant = "89ab";
  h[16] = variant[std::stoi(h.substr(16, 1), nullptr, 16) & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

int enqueue_messages(store::Tx& tx, const OutgoingMessages& out) {
  if (!out.messages.is_array() || out.messages.empty()) return 0;
  int64_t now = clock::now_ms();
  int rows = 0;
  for (size_t i = 0; i < out.messages.size(); i += kMaxMessagesPerRequest) {
    Json chunk = Json::array();
    for (size_t j = i; j < out.messages.size() && j < i + kMaxMessagesPerRequest; ++j)
      chunk.push_back(out.messages[j]);
    bool first = i == 0 && out.reply_token && !out.reply_token->empty();
    tx.exec(
        "INSERT INTO line_outbox(tenant_id, user_id, reply_token, reply_token_at, messages, "
        "retry_key, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
        {out.tenant_id, out.user_id, first ? store::Value(*out.reply_token) : store::Value(nullptr),
         first ? store::Value(out.reply_token_at) : store::Value(nullptr), chunk.dump(),
         new_retry_key(), now});
    ++rows;
  }
  return rows;
}

}  // namespace mg::line
