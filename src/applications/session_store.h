#pragma once
// SQL for chat_sessions: a resident's dialogs with one pinned service version. No rules here;
// chat.cpp decides.
#include <optional>
#include <string>

#include "core/json.h"
#include "store/db.h"

namespace mg::applications::sql {

struct SessionRow {
  int64_t id = 0, service_id = 0, version_id = 0, resident_id = 0;
  std::optional<int64_t> correction_of;
  std::string public_id, status;
  Json state, last_prompts;
  int lookup_failures_today = 0;  // asked only by session_for_turn
};

// The resident's session by its public id; lock takes the row lock (PostgreSQL) for a turn.
std::optional<SessionRow> session_of(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                                     const std::string& public_id, bool lock);

// session_of with the lock, plus the resident's lookup failures on `day` (the turn's
// context), in one statement: the chat turn is the hot path.
std::optional<SessionRow> session_for_turn(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                                           const std::string& public_id, const std::string& day);

struct NewSession {
  std::string public_id;
  int64_t tenant_id = 0, resident_id = 0, service_id = 0, version_id = 0;
  Json state, prompts;
  std::string status;                    // "open" | "done"
  std::optional<int64_t> correction_of;  // the application a correction dialog re-asks
  int64_t now = 0;
};
int64_t insert_session(store::Tx& tx, const NewSession& s);
void save_turn(store::Tx& tx, int64_t tenant_id, int64_t id, const Json& state, const Json& prompts,
               const std::string& status, int64_t now);
void set_session_status(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& status,
                        int64_t now);
std::optional<int64_t> session_id_of(store::Tx& tx, int64_t tenant_id,
                                     const std::string& public_id);
// The public id of the resident's most recently used open session.
std::optional<std::string> latest_open_session(store::Tx& tx, int64_t tenant_id,
                                               int64_t resident_id);
// Closes the resident's open sessions; `now` nullopt leaves updated_at as it was.
void close_open_sessions(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                         std::optional<int64_t> now);

}  // namespace mg::applications::sql
