#include "linesim/reply_tokens.h"

#include <algorithm>

#include "linesim/ids.h"

namespace mg::linesim {

std::string ReplyTokenBook::issue(const std::string& user_id, int64_t event_ms) {
  prune(event_ms);
  auto token = ids::reply_token();
  tokens_[token] = Entry{user_id, event_ms, event_ms + kValidityMs};
  return token;
}

void ReplyTokenBook::delivered(const std::string& token, int64_t now_ms) {
  auto it = tokens_.find(token);
  if (it == tokens_.end() || it->second.used) return;
  it->second.expires_ms =
      std::min(now_ms + kValidityMs, it->second.event_ms + kRedeliveryHorizonMs);
}

std::optional<std::string> ReplyTokenBook::consume(const std::string& token, int64_t now_ms) {
  auto it = tokens_.find(token);
  if (it == tokens_.end() || it->second.used || now_ms > it->second.expires_ms) return std::nullopt;
  it->second.used = true;
  return it->second.user_id;
}

void ReplyTokenBook::prune(int64_t now_ms) {
  // Forget tokens past any possible redelivery window, at most once a minute.
  if (now_ms - last_prune_ms_ < kValidityMs) return;
  last_prune_ms_ = now_ms;
  std::erase_if(tokens_, [&](const auto& kv) {
    return now_ms > kv.second.event_ms + kRedeliveryHorizonMs + kValidityMs;
  });
}

}  // namespace mg::linesim
