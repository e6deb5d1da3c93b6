#include "applications/session_store.h"

#include "core/json_parse.h"

namespace mg::applications::sql {

std::optional<SessionRow> session_of(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                                     const std::string& public_id, bool lock) {
  auto r = tx.one(std::string("SELECT id, service_id, version_id, resident_id, correction_of, "
                              "public_id, status, state, last_prompts FROM chat_sessions WHERE "
                              "tenant_id = ? AND resident_id = ? AND public_id = ?") +
                      (lock ? store::for_update(tx) : ""),
                  {tenant_id, resident_id, public_id});
  if (!r) return std::nullopt;
  return SessionRow{r->i64(0),
                    r->i64(1),
                    r->i64(2),
                    r->i64(3),
                    r->opt_i64(4),
                    r->str(5),
                    r->str(6),
                    parse_json(r->str(7)),
                    parse_json(r->str(8))};
}

std::optional<SessionRow> session_for_turn(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                                           const std::string& public_id, const std::string& day) {
  auto r = tx.one(std::string("SELECT id, service_id, version_id, resident_id, correction_of, "
                              "public_id, status, state, last_prompts, COALESCE((SELECT failures "
                              "FROM lookup_failures f WHERE f.tenant_id = ? AND f.resident_id = ? "
                              "AND f.day = ?), 0) FROM chat_sessions WHERE tenant_id = ? AND "
                              "resident_id = ? AND public_id = ?") +
                      store::for_update(tx),
                  {tenant_id, resident_id, day, tenant_id, resident_id, public_id});
  if (!r) return std::nullopt;
  return SessionRow{r->i64(0),
                    r->i64(1),
                    r->i64(2),
                    r->i64(3),
                    r->opt_i64(4),
                    r->str(5),
                    r->str(6),
                    parse_json(r->str(7)),
                    parse_json(r->str(8)),
                    static_cast<int>(r->i64(9))};
}

int64_t insert_session(store::Tx& tx, const NewSession& s) {
  return tx.insert_id(
      "INSERT INTO chat_sessions(public_id, tenant_id, resident_id, service_id, version_id, state, "
      "last_prompts, status, correction_of, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?) RETURNING id",
      {s.public_id, s.tenant_id, s.resident_id, s.service_id, s.version_id, s.state.dump(),
       s.prompts.dump(), s.status, store::opt(s.correction_of), s.now, s.now});
}

void save_turn(store::Tx& tx, int64_t tenant_id, int64_t id, const Json& state, const Json& prompts,
               const std::string& status, int64_t now) {
  tx.exec(
      "UPDATE chat_sessions SET state = ?, last_prompts = ?, status = ?, updated_at = ? WHERE "
      "tenant_id = ? AND id = ?",
      {state.dump(), prompts.dump(), status, now, tenant_id, id});
}

void set_session_status(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& status,
                        int64_t now) {
  tx.exec("UPDATE chat_sessions SET status = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
          {status, now, tenant_id, id});
}

std::optional<int64_t> session_id_of(store::Tx& tx, int64_t tenant_id,
                                     const std::string& public_id) {
  auto r = tx.one("SELECT id FROM chat_sessions WHERE tenant_id = ? AND public_id = ?",
                  {tenant_id, public_id});
  if (!r) return std::nullopt;
  return r->i64(0);
}

std::optional<std::string> latest_open_session(store::Tx& tx, int64_t tenant_id,
                                               int64_t resident_id) {
  auto r = tx.one(
      "SELECT public_id FROM chat_sessions WHERE tenant_id = ? AND resident_id = ? AND status "
      "= 'open' ORDER BY updated_at DESC, id DESC LIMIT 1",
      {tenant_id, resident_id});
  if (!r) return std::nullopt;
  return r->str(0);
}

void close_open_sessions(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                         std::optional<int64_t> now) {
  if (now)
    tx.exec(
        "UPDATE chat_sessions SET status = 'closed', updated_at = ? WHERE tenant_id = ? AND "
        "resident_id = ? AND status = 'open'",
        {*now, tenant_id, resident_id});
  else
    tx.exec(
        "UPDATE chat_sessions SET status = 'closed' WHERE tenant_id = ? AND resident_id = ? AND "
        "status = 'open'",
        {tenant_id, resident_id});
}

}  // namespace mg::applications::sql
