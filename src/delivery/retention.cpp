#include "delivery/retention.h"

#include "channels/line/outbox.h"
#include "core/log.h"
#include "delivery/campaigns.h"

namespace mg::delivery {

namespace {
constexpr int64_t kChunk = 5000;
}

RetentionResult purge_delivered(store::Db& db, int64_t now_ms, int64_t keep_ms) {
  RetentionResult out;
  int64_t before = now_ms - keep_ms;
  for (;;) {
    int64_t n =
        db.write([&](store::Tx& tx) { return line::delete_sent_before(tx, before, kChunk); });
    out.sent_rows += n;
    if (n < kChunk) break;
  }
  for (;;) {
    auto ids = db.read([&](store::Tx& tx) { return finished_before(tx, before, 100); });
    for (int64_t id : ids) {
      for (;;) {
        int64_t n = db.write([&](store::Tx& tx) {
          int64_t d = line::delete_campaign_batches(tx, id, kChunk);
          if (d < kChunk) mark_purged(tx, id, now_ms);
          return d;
        });
        out.campaign_batches += n;
        if (n < kChunk) break;
      }
    }
    if (ids.size() < 100) break;
  }
  if (out.sent_rows || out.campaign_batches)
    log::info("delivery retention",
              {{"sent_rows", out.sent_rows}, {"campaign_batches", out.campaign_batches}});
  return out;
}

}  // namespace mg::delivery
