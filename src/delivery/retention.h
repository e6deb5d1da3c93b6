#pragma once
// Retention of what deliveries leave behind: sent line_outbox rows (message text, LINE user
// ids) and every batch of a finished campaign are deleted after `keep_ms` (setting
// --outbox-retention-days). The campaigns themselves (title, counts) stay for reports.
#include <cstdint>

#include "store/db.h"

namespace mg::delivery {

struct RetentionResult {
  int64_t sent_rows = 0;         // sent outbox rows deleted
  int64_t campaign_batches = 0;  // rows of finished campaigns deleted (any status)
};

// Deletes in chunks, one short transaction each, so senders are never held up for long.
RetentionResult purge_delivered(store::Db& db, int64_t now_ms, int64_t keep_ms);

}  // namespace mg::delivery
