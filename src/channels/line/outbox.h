#pragma once
// Every LINE message leaves through line_outbox, written in the caller's transaction so a
// message exists exactly when the state change that caused it committed.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// Multicast: one row for up to 500 LINE users (LINE's limit for `to`), sent to
// /v2/bot/message/multicast with the row's one X-Line-Retry-Key, so a resent batch is never
// delivered twice. recipients holds the user ids comma-separated (LINE user ids have no comma);
// user_id is '' so these rows never hold up a resident's own conversation. campaign_id, when
// set, is reported to the dispatcher's batch observer when the row is sent or fails.
inline constexpr size_t kMaxMulticastRecipients = 500;

struct MulticastBatch {
  int64_t outbox_id = 0;
  int64_t recipients = 0;
};

// The list form. At most 5 messages and 500 user ids (std::invalid_argument otherwise).
MulticastBatch enqueue_multicast(store::Tx& tx, int64_t tenant_id,
                                 const std::vector<std::string>& user_ids, const Json& messages,
                                 std::optional<int64_t> campaign_id = std::nullopt);

// The INSERT ... SELECT form, for recipients already in the database: `recipients_sql` is a
// SELECT whose column `uid` gives the LINE user ids (at most 500 rows: the caller's LIMIT);
// `params` are its placeholders. No row is written when it selects nobody.
std::optional<MulticastBatch> enqueue_multicast_select(store::Tx& tx, int64_t tenant_id,
                                                       const std::string& messages_json,
                                                       std::string_view recipients_sql,
                                                       const store::Params& params,
                                                       std::optional<int64_t> campaign_id);

// Priorities of multicast batches: higher leaves first (ordinary campaigns 0).
inline constexpr int64_t kEmergencyPriority = 100;
// Every batch of the campaign, written now or later, gets `priority` (the dispatcher claims
// higher priorities first). Table line_campaign_priority.
void set_campaign_priority(store::Tx& tx, int64_t tenant_id, int64_t campaign_id, int64_t priority);

// A cancelled campaign's batches not yet taken by the dispatcher become 'cancelled'. Returns
// how many recipients they had.
int64_t cancel_campaign_batches(store::Tx& tx, int64_t tenant_id, int64_t campaign_id);

// Retention: deletes at most `limit` sent rows older than `before_ms`; returns rows deleted.
int64_t delete_sent_before(store::Tx& tx, int64_t before_ms, int64_t limit);
// Deletes at most `limit` rows (any status) of a finished campaign; returns rows deleted.
int64_t delete_campaign_batches(store::Tx& tx, int64_t campaign_id, int64_t limit);

// A UUID (version 7: time-ordered, random below the millisecond), the form X-Line-Retry-Key
// requires.
std::string new_retry_key();

}  // namespace mg::line
