#pragma once
// X-Line-Retry-Key bookkeeping: an accepted key is remembered for 24 hours; repeating it
// returns 409 with the original request ID (and, for push, the original sentMessages).
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/json.h"

namespace mg::linesim {

struct AcceptedRequest {
  std::string request_id;
  Json sent_messages;  // null unless the endpoint returns sentMessages (push)
  int64_t accepted_ms = 0;
};

class RetryKeyBook {
 public:
  static constexpr int64_t kRetentionMs = 24LL * 60 * 60 * 1000;

  // The earlier accepted request with this key, if still within 24 hours.
  std::optional<AcceptedRequest> find(const std::string& key, int64_t now_ms) const;
  void accept(const std::string& key, AcceptedRequest request);
  std::size_t size() const { return keys_.size(); }

 private:
  std::unordered_map<std::string, AcceptedRequest> keys_;
  int64_t last_prune_ms_ = 0;
};

// Keys are UUIDs compared case-insensitively (hex), so normalise before lookups.
std::string normalize_retry_key(std::string key);

}  // namespace mg::linesim
