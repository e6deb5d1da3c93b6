#pragma once
// Per-endpoint fixed-window rate limits, keyed "METHOD /route/pattern" like LINE's
// per-endpoint, per-method limits. Defaults follow LINE-NOTES §2; tests may override them.
#include <cstdint>
#include <map>
#include <string>

#include "core/json.h"

namespace mg::linesim {

struct RateLimit {
  int64_t limit = 0;  // requests per window; 0 = unlimited
  int64_t window_ms = 1000;
};

class RateLimiter {
 public:
  RateLimiter();
  // Counts the call; false when the endpoint is over its limit in the current window.
  bool allow(const std::string& key, int64_t now_ms);
  void set(const std::string& key, RateLimit limit);
  RateLimit limit_for(const std::string& key) const;
  void reset_counters() { windows_.clear(); }
  Json to_json() const;

  static constexpr int64_t kDefaultPerSecond = 2000;  // "2,000/s for all others"

 private:
  struct Window {
    int64_t start_ms = 0;
    int64_t count = 0;
  };
  std::map<std::string, RateLimit> limits_;
  std::map<std::string, Window> windows_;
};

}  // namespace mg::linesim
