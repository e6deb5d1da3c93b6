#pragma once
// Reply tokens: single use, valid for one minute after the webhook was delivered. On
// redelivery the token works for another minute unless it was used or 20 minutes have passed
// since the event (LINE-NOTES §1). Not thread-safe: the Platform's lock guards it.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace mg::linesim {

class ReplyTokenBook {
 public:
  static constexpr int64_t kValidityMs = 60 * 1000;
  static constexpr int64_t kRedeliveryHorizonMs = 20 * 60 * 1000;

  // A new token for an event that happened at event_ms, addressed to user_id.
  std::string issue(const std::string& user_id, int64_t event_ms);
  // Restarts the one-minute window when the webhook carrying the token is (re)delivered.
  void delivered(const std::string& token, int64_t now_ms);
  // The user the token answers, consuming it; nullopt when unknown, used or expired.
  std::optional<std::string> consume(const std::string& token, int64_t now_ms);
  std::size_t size() const { return tokens_.size(); }

 private:
  struct Entry {
    std::string user_id;
    int64_t event_ms;
    int64_t expires_ms;
    bool used = false;
  };
  void prune(int64_t now_ms);
  std::unordered_map<std::string, Entry> tokens_;
  int64_t last_prune_ms_ = 0;
};

}  // namespace mg::linesim
