#pragma once
// Virtual residents: the LINE users the sim plays. Each keeps a chat timeline holding both
// what the bot sent them (reply/push/...) and what they sent, in order, for tests and the phone
// page. Not thread-safe: the Platform's lock guards it.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"

namespace mg::linesim {

struct ChatEntry {
  int64_t seq = 0;         // global, increasing; clients poll with ?after=seq
  std::string from;        // "bot" or "user"
  std::string endpoint;    // bot: reply|push|multicast|broadcast|narrowcast; user: event type
  std::string retry_key;   // X-Line-Retry-Key of the API call, if any
  std::string request_id;  // X-Line-Request-Id of the API call (bot) or webhookEventId (user)
  int64_t timestamp = 0;
  bool notification_disabled = false;
  Json message;  // the message object as sent, plus "id" for bot messages
  Json to_json() const;
};

struct Resident {
  std::string user_id;
  std::string display_name;
  std::string picture_url;
  std::string status_message;
  std::string language = "ja";
  bool following = false;
  bool ever_followed = false;
  std::string rich_menu_id;  // per-user link; empty = default menu applies
  int64_t followed_at = 0;
  std::deque<ChatEntry> timeline;  // capped: the oldest entries drop off the front
  Json profile_json() const;       // GET /v2/bot/profile shape
  Json summary_json() const;       // control API shape
};

struct StoredContent {
  std::string content_type;
  std::string bytes;
};

class ResidentBook {
 public:
  static constexpr std::size_t kTimelineCap = 5000;

  Resident& create(std::string user_id, std::string display_name);
  Resident* find(const std::string& user_id);
  const Resident* find(const std::string& user_id) const;
  const std::map<std::string, Resident>& all() const { return residents_; }
  std::map<std::string, Resident>& all() { return residents_; }

  // Appends to the resident's timeline with the next sequence number.
  ChatEntry& append(Resident& r, ChatEntry entry);
  int64_t last_seq() const { return seq_; }

  void store_content(const std::string& message_id, StoredContent content);
  const StoredContent* content(const std::string& message_id) const;

  void clear();

 private:
  std::map<std::string, Resident> residents_;
  std::map<std::string, StoredContent> contents_;
  int64_t seq_ = 0;
};

}  // namespace mg::linesim
