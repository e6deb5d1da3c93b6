#include "linesim/retry_keys.h"

#include <algorithm>
#include <cctype>

namespace mg::linesim {

std::optional<AcceptedRequest> RetryKeyBook::find(const std::string& key, int64_t now_ms) const {
  auto it = keys_.find(key);
  if (it == keys_.end() || now_ms - it->second.accepted_ms >= kRetentionMs) return std::nullopt;
  return it->second;
}

void RetryKeyBook::accept(const std::string& key, AcceptedRequest request) {
  int64_t now = request.accepted_ms;
  if (now - last_prune_ms_ > 60 * 1000) {
    last_prune_ms_ = now;
    std::erase_if(keys_,
                  [&](const auto& kv) { return now - kv.second.accepted_ms >= kRetentionMs; });
  }
  keys_[key] = std::move(request);
}

std::string normalize_retry_key(std::string key) {
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return key;
}

}  // namespace mg::linesim
