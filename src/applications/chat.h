#pragma once
// Runs residents' dialogs against published service versions, whatever the channel: each
// turn is one transaction (session state, the application it creates, ratings, jobs).
#include <optional>
#include <string>

#include "applications/model.h"
#include "services/catalog.h"
#include "store/db.h"

namespace mg::applications {

class ChatService {
 public:
  ChatService(store::Db& db, services::Catalog& catalog, int64_t idle_ms)
      : db_(db), catalog_(catalog), idle_ms_(idle_ms) {}

  ChatTurn start(int64_t tenant_id, int64_t resident_id, int64_t service_id,
                 const std::string& channel);
  // ApiError 404 when the session is not this resident's (or another tenant's).
  ChatTurn input(int64_t tenant_id, int64_t resident_id, const std::string& session_id,
                 const Json& input);
  ChatTurn resume(int64_t tenant_id, int64_t resident_id, const std::string& session_id);
  // The resident's most recent open session (LINE keeps one conversation at a time).
  std::optional<std::string> open_session(int64_t tenant_id, int64_t resident_id);
  // Closes any open session of the resident (a new service chosen from the menu).
  void close_open_sessions(int64_t tenant_id, int64_t resident_id);
  // How long an open session may stay idle before it expires.
  int64_t idle_ms() const { return idle_ms_; }

  // The same operations inside the caller's write transaction, so a channel can commit the
  // turn together with the messages that answer it (LINE's outbox).
  ChatTurn start(store::Tx& tx, int64_t tenant_id, int64_t resident_id, int64_t service_id);
  ChatTurn input(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                 const std::string& session_id, const Json& input);
  ChatTurn resume(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                  const std::string& session_id);
  std::optional<std::string> open_session(store::Tx& tx, int64_t tenant_id, int64_t resident_id);
  void close_open_sessions(store::Tx& tx, int64_t tenant_id, int64_t resident_id);

  // 不備: opens a correction session that re-asks step_ids; returns its public id.
  std::string start_correction(store::Tx& tx, int64_t tenant_id, int64_t application_id,
                               const std::vector<std::string>& step_ids, const std::string& reason);
  // The resident opens an open correction of their own application (the link they are sent or
  // 申請した手続き): its dialog, a fresh one when the old one was quit or closed. ApiError 404
  // when the correction is not this resident's, 409 once it has been answered.
  CorrectionChat open_correction(int64_t tenant_id, int64_t resident_id, int64_t correction_id);

 private:
  // The new dialog's public id and row id.
  std::pair<std::string, int64_t> insert_correction_session(
      store::Tx& tx, int64_t tenant_id, int64_t application_id,
      const std::vector<std::string>& step_ids, const std::string& reason);

  store::Db& db_;
  services::Catalog& catalog_;
  int64_t idle_ms_;
};

}  // namespace mg::applications
