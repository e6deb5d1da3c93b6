#pragma once
// Pacing of multicast requests per LINE channel: LINE allows 200 multicast requests a second
// per channel (docs/line-channel.md); we stay under it with a token bucket per channel, so a
// large campaign does not earn 429s. A 429 still goes through the ordinary retry path.
#include <algorithm>
#include <cstdint>
#include <map>

namespace mg::line {

class TokenBucket {
 public:
  // rate: tokens per second (> 0); burst: most tokens saved up (>= 1).
  TokenBucket(double rate, double burst) : rate_(rate), burst_(std::max(1.0, burst)) {}
  // Takes one token if there is one at now_ms.
  bool take(int64_t now_ms) {
    refill(now_ms);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  void refill(int64_t now_ms) {
    if (!started_) {
      started_ = true;
      tokens_ = burst_;
    } else if (now_ms > last_ms_) {
      tokens_ = std::min(burst_, tokens_ + static_cast<double>(now_ms - last_ms_) * rate_ / 1000.0);
    }
    last_ms_ = std::max(last_ms_, now_ms);
  }
  double rate_, burst_;
  double tokens_ = 0;
  int64_t last_ms_ = 0;
  bool started_ = false;
};

// One bucket per tenant (a tenant has one LINE channel). Per process: several PostgreSQL
// processes sending for one channel each keep their own bucket, so the operator divides the
// rate among them.
class ChannelPacing {
 public:
  explicit ChannelPacing(double per_second = 100.0) : rate_(per_second) {}
  void set_rate(double per_second) {
    rate_ = per_second;
    buckets_.clear();
  }
  bool take(int64_t tenant_id, int64_t now_ms) {
    if (rate_ <= 0) return true;  // 0: unpaced
    auto it = buckets_.find(tenant_id);
    // Burst of a tenth of a second's worth: a backlog starts at once but never bursts over.
    if (it == buckets_.end())
      it = buckets_.emplace(tenant_id, TokenBucket(rate_, rate_ / 10.0)).first;
    return it->second.take(now_ms);
  }

 private:
  double rate_;
  std::map<int64_t, TokenBucket> buckets_;
};

}  // namespace mg::line
