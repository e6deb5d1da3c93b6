#pragma once
// Every LINE message leaves through line_outbox, written in the caller's transaction so a
// message exists exactly when the state change that caused it committed.
#include <cstdint>
#include <optional>
#include <string>

#include "core/json.h"
#include "store/db.h"

namespace mg::line {

struct OutgoingMessages {
  int64_t tenant_id = 0;
  std::string user_id;
  std::optional<std::string> reply_token;  // used for the first request only
  int64_t reply_token_at = 0;              // when the webhook carrying it arrived
  Json messages = Json::array();
};

// Splits into requests of at most 5 messages (one outbox row each, in order). Returns rows.
int enqueue_messages(store::Tx& tx, const OutgoingMessages& out);

// A UUID (version 7: time-ordered, random below the millisecond), the form X-Line-Retry-Key
// requires.
std::string new_retry_key();

}  // namespace mg::line
