#pragma once
// Hand-off to staff (有人対応, issue 14): a resident's conversation with the staff of one
// department, opened from the FAQ chat on the web or LINE, closed by staff (the resident is
// back with the bot).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mg::handoff {

// waiting: nobody has answered yet; open: staff answered (assignee set); closed.
struct Conversation {
  int64_t id = 0;
  int64_t tenant_id = 0;
  int64_t resident_id = 0;
  std::string channel;     // "web" | "line"
  std::string department;  // "" = not chosen: admins only
  std::string status;      // waiting | open | closed
  std::optional<int64_t> assignee_id;
  std::vector<std::string> recent_questions;  // the resident's last FAQ questions
  // The FAQ entry (negative: a passage) the resident was last answered with, when that answer
  // was at most kFaqAnswerWindowMs before the hand-off started (the per-entry statistics).
  std::optional<int64_t> faq_entry_id;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<int64_t> closed_at;
};

struct Message {
  int64_t id = 0;
  int64_t conversation_id = 0;
  std::string sender;  // resident | staff | system
  std::optional<int64_t> staff_id;
  std::string text;
  int64_t created_at = 0;
};

// Limits on outside input.
constexpr std::size_t kMaxMessageChars = 1000;  // code points of one message
constexpr std::size_t kMaxRecentQuestions = 5;
constexpr std::size_t kMaxDepartmentChars = 100;

// How long after a FAQ answer a request for a person still counts as that answer's hand-off.
// A resident who asks for staff right after an answer (or after the failed questions that
// followed it) is asking about it; half an hour later, usually about something else. FAQ chats
// last minutes, so 30 minutes keeps the slow typist and drops the next day's visit.
constexpr int64_t kFaqAnswerWindowMs = 30 * 60 * 1000;

}  // namespace mg::handoff
