#pragma once
// The FAQ tables (migration 29): faq_entries, faq_synonyms, faq_questions. All SQL of this
// capability is here; every function takes the caller's transaction.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "faq/model.h"
#include "store/db.h"

namespace mg::faq {

std::vector<Entry> list_entries(store::Tx& tx, int64_t tenant_id);
std::optional<Entry> get_entry(store::Tx& tx, int64_t tenant_id, int64_t id);
int64_t insert_entry(store::Tx& tx, int64_t tenant_id, const Entry& e, int64_t now_ms);
bool update_entry(store::Tx& tx, int64_t tenant_id, const Entry& e, int64_t now_ms);
bool delete_entry(store::Tx& tx, int64_t tenant_id, int64_t id);
int64_t count_entries(store::Tx& tx, int64_t tenant_id);

std::vector<std::vector<std::string>> load_synonyms(store::Tx& tx, int64_t tenant_id);
void replace_synonyms(store::Tx& tx, int64_t tenant_id,
                      const std::vector<std::vector<std::string>>& groups, int64_t now_ms);

// Changes whenever entries or synonyms change (another process's edits included).
std::string revision(store::Tx& tx, int64_t tenant_id);

struct LoggedQuestion {
  int64_t id = 0;
  std::string channel;
  std::string question;
  std::string outcome;  // answered | candidates | unanswered | chosen
  std::optional<int64_t> entry_id;
  double score = 0;
  std::optional<int64_t> resolved;
  bool handled = false;
  int64_t created_at = 0;
};

int64_t log_question(store::Tx& tx, int64_t tenant_id, const std::string& channel,
                     const std::string& question, const std::string& outcome,
                     std::optional<int64_t> entry_id, double score, const std::string& token,
                     int64_t now_ms);
// False when no such question of this tenant carries this token.
bool record_feedback(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& token,
                     bool resolved);
// Questions nobody answered (no match, or 「解決しなかった」), newest first, not yet handled.
std::vector<LoggedQuestion> unanswered(store::Tx& tx, int64_t tenant_id, int64_t limit);
std::optional<LoggedQuestion> get_question(store::Tx& tx, int64_t tenant_id, int64_t id);
bool mark_handled(store::Tx& tx, int64_t tenant_id, int64_t id, std::optional<int64_t> entry_id);
// The entry (negative: a passage) that logged question `id` was answered with (a clear answer
// or a chosen candidate; garbage sorting names none), when it was logged at or after since_ms.
// `token`, when given, must be the question's: a web resident's proof that it was theirs
// (nullopt: the caller knows, e.g. the LINE bot's own memory).
std::optional<int64_t> answered_entry(store::Tx& tx, int64_t tenant_id, int64_t id,
                                      const std::optional<std::string>& token, int64_t since_ms);

}  // namespace mg::faq
