#include "channels/line/outbox.h"

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

}  // namespace mg::line
