#include "linesim/rate_limiter.h"

namespace mg::linesim {

namespace {
constexpr int64_t kSecond = 1000;
constexpr int64_t kHour = 60 * 60 * 1000;
}  // namespace

RateLimiter::RateLimiter() {
  limits_["POST /v2/bot/message/reply"] = {2000, kSecond};
  limits_["POST /v2/bot/message/push"] = {2000, kSecond};
  limits_["POST /v2/bot/message/multicast"] = {200, kSecond};
  limits_["POST /v2/bot/message/narrowcast"] = {60, kHour};
  limits_["POST /v2/bot/message/broadcast"] = {60, kHour};
  limits_["POST /v2/bot/richmenu"] = {100, kHour};
  limits_["DELETE /v2/bot/richmenu/{richMenuId}"] = {100, kHour};
  limits_["POST /v2/bot/richmenu/batch"] = {3, kHour};
  limits_["POST /v2/bot/chat/loading/start"] = {100, kSecond};
}

RateLimit RateLimiter::limit_for(const std::string& key) const {
  auto it = limits_.find(key);
  return it == limits_.end() ? RateLimit{kDefaultPerSecond, kSecond} : it->second;
}

void RateLimiter::set(const std::string& key, RateLimit limit) {
  limits_[key] = limit;
  windows_.erase(key);
}

bool RateLimiter::allow(const std::string& key, int64_t now_ms) {
  RateLimit lim = limit_for(key);
  if (lim.limit <= 0) return true;
  auto& w = windows_[key];
  if (now_ms - w.start_ms >= lim.window_ms || now_ms < w.start_ms) {
    w.start_ms = now_ms - (lim.window_ms > 0 ? now_ms % lim.window_ms : 0);
    w.count = 0;
  }
  if (w.count >= lim.limit) return false;
  ++w.count;
  return true;
}

Json RateLimiter::to_json() const {
  Json out = Json::object();
  for (const auto& [k, v] : limits_) out[k] = {{"limit", v.limit}, {"windowMs", v.window_ms}};
  out["default"] = {{"limit", kDefaultPerSecond}, {"windowMs", kSecond}};
  return out;
}

}  // namespace mg::linesim
