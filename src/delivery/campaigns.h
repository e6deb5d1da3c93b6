#pragma once
// Campaigns: one message (up to 5 LINE message objects) to many residents. Table `campaigns`
// (migration 17); the fan-out (fanout.h) turns one into multicast batches.
// Status: draft -> queued (send requested) -> sending (fan-out started) -> sent, or cancelled.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "store/db.h"

namespace mg::delivery {

struct Campaign {
  int64_t id = 0;
  int64_t tenant_id = 0;
  std::string title;
  Json messages = Json::array();   // LINE message objects, 1..5
  Json audience = Json::object();  // {"kind":"all"} | {"kind":"residents","resident_ids":[..]}
  std::string status = "draft";
  int64_t cursor = 0;  // last resident id the fan-out handled
  bool fanout_done = false;
  int64_t targeted = 0, queued = 0, sent = 0, failed = 0, batches = 0;
  int64_t blocked = 0;           // matched but blocked the account: left out (counted when queued)
  bool audience_frozen = false;  // campaign_audience holds its audience (fanout.h)
  std::optional<int64_t> created_by;
  int64_t created_at = 0, updated_at = 0;
  std::optional<int64_t> queued_at, finished_at;
};

Json to_json(const Campaign& c);

int64_t create(store::Tx& tx, const Campaign& c);
std::optional<Campaign> find(store::Tx& tx, int64_t tenant_id, int64_t id, bool lock = false);
// Newest first, keyset by id (before_id = 0: from the newest).
std::vector<Campaign> list(store::Tx& tx, int64_t tenant_id, int64_t before_id, int limit);

// draft -> queued: evaluates the audience once into campaign_audience (fanout.h), counts
// targeted and blocked from it, and enqueues the campaign.fanout job. False when the
// campaign is not a draft.
bool queue(store::Tx& tx, int64_t tenant_id, int64_t id);
void enqueue_fanout(store::Tx& tx, int64_t tenant_id, int64_t id);
// At start: a fan-out cut short by a crash resumes at its cursor now, instead of after the
// killed job's lease. Returns how many were resumed.
int resume_fanouts(store::Db& db);
// draft/queued/sending -> cancelled; batches not yet sent are cancelled too. False when already
// sent or cancelled.
bool cancel(store::Tx& tx, int64_t tenant_id, int64_t id);

// The dispatcher's report on one batch (Dispatcher::on_campaign_batch): counts, and 'sent'
// once the fan-out is done and every batch has an outcome.
void record_batch(store::Tx& tx, int64_t tenant_id, int64_t campaign_id, int64_t recipients,
                  bool sent);

// Retention: ids of campaigns finished (sent or cancelled) before `before_ms` whose batches
// are not purged yet; mark_purged once they are (cross-tenant maintenance, by id).
std::vector<int64_t> finished_before(store::Tx& tx, int64_t before_ms, int limit);
void mark_purged(store::Tx& tx, int64_t campaign_id, int64_t now_ms);

}  // namespace mg::delivery
