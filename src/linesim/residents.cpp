#include "linesim/residents.h"

namespace mg::linesim {

Json ChatEntry::to_json() const {
  Json j = {{"seq", seq},           {"from", from},
            {"endpoint", endpoint}, {"timestamp", timestamp},
            {"message", message},   {"requestId", request_id}};
  j["retryKey"] = retry_key.empty() ? Json(nullptr) : Json(retry_key);
  if (from == "bot") j["notificationDisabled"] = notification_disabled;
  return j;
}

Json Resident::profile_json() const {
  Json j = {{"displayName", display_name}, {"userId", user_id}, {"language", language}};
  if (!picture_url.empty()) j["pictureUrl"] = picture_url;
  if (!status_message.empty()) j["statusMessage"] = status_message;
  return j;
}

Json Resident::summary_json() const {
  Json j = profile_json();
  j["following"] = following;
  j["richMenuId"] = rich_menu_id.empty() ? Json(nullptr) : Json(rich_menu_id);
  j["messageCount"] = timeline.size();
  return j;
}

Resident& ResidentBook::create(std::string user_id, std::string display_name) {
  auto& r = residents_[user_id];
  r.user_id = std::move(user_id);
  r.display_name = std::move(display_name);
  return r;
}

Resident* ResidentBook::find(const std::string& user_id) {
  auto it = residents_.find(user_id);
  return it == residents_.end() ? nullptr : &it->second;
}

const Resident* ResidentBook::find(const std::string& user_id) const {
  auto it = residents_.find(user_id);
  return it == residents_.end() ? nullptr : &it->second;
}

ChatEntry& ResidentBook::append(Resident& r, ChatEntry entry) {
  entry.seq = ++seq_;
  // Benchmarks can push millions of messages; keep memory bounded.
  if (r.timeline.size() >= kTimelineCap) r.timeline.pop_front();
  r.timeline.push_back(std::move(entry));
  return r.timeline.back();
}

void ResidentBook::store_content(const std::string& message_id, StoredContent content) {
  contents_[message_id] = std::move(content);
}

const StoredContent* ResidentBook::content(const std::string& message_id) const {
  auto it = contents_.find(message_id);
  return it == contents_.end() ? nullptr : &it->second;
}

void ResidentBook::clear() {
  residents_.clear();
  contents_.clear();
}

}  // namespace mg::linesim
