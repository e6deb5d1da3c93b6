#pragma once
// The hand-off tables (migration 34). All SQL of this capability; each function takes the
// caller's transaction.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "handoff/model.h"
#include "store/db.h"

namespace mg::handoff {

std::optional<Conversation> get_conversation(store::Tx& tx, int64_t tenant_id, int64_t id);
// The resident's conversation that is not closed, if any (at most one: a unique index).
std::optional<Conversation> open_conversation(store::Tx& tx, int64_t tenant_id,
                                              int64_t resident_id);
int64_t insert_conversation(store::Tx& tx, const Conversation& c);
// Conversations in these statuses, newest change first, at most `limit`.
std::vector<Conversation> list_conversations(store::Tx& tx, int64_t tenant_id,
                                             const std::vector<std::string>& statuses,
                                             int64_t limit);
void set_status(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& status,
                std::optional<int64_t> assignee_id, int64_t now_ms);
// A change every open stream should notice: the newest update of the tenant's conversations.
int64_t last_change(store::Tx& tx, int64_t tenant_id);

int64_t insert_message(store::Tx& tx, int64_t tenant_id, const Message& m);
std::vector<Message> messages_after(store::Tx& tx, int64_t tenant_id, int64_t conversation_id,
                                    int64_t after_id, int64_t limit);

// {"mon":[["08:30","17:15"]],…} and whether national holidays are closed; nullopt = defaults.
struct StoredHours {
  std::string weekly;
  bool closed_on_holidays = true;
};
std::optional<StoredHours> load_hours(store::Tx& tx, int64_t tenant_id);
void save_hours(store::Tx& tx, int64_t tenant_id, const StoredHours& h, int64_t now_ms);

// The LINE bot's memory of a resident's FAQ questions since the last success.
struct BotMemory {
  int64_t failures = 0;
  std::vector<std::string> recent_questions;
  std::string department;  // of the last entry the bot answered with
  // The question-log row (faq_questions) of the last answer the bot gave: an entry, a chosen
  // candidate or garbage sorting. The hand-off takes its entry when it is recent.
  std::optional<int64_t> last_answer_id;
};
BotMemory load_memory(store::Tx& tx, int64_t tenant_id, int64_t resident_id);
void save_memory(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const BotMemory& m,
                 int64_t now_ms);

// Hand-offs started per JST day since `from_ms`: (YYYY-MM-DD, count), oldest first.
std::vector<std::pair<std::string, int64_t>> started_per_day(store::Tx& tx, int64_t tenant_id,
                                                             int64_t from_ms);
// Hand-offs started in [from_ms, end_ms) after a FAQ answer, per entry (negative: a passage).
std::map<int64_t, int64_t> started_per_faq_entry(store::Tx& tx, int64_t tenant_id, int64_t from_ms,
                                                 int64_t end_ms);

}  // namespace mg::handoff
