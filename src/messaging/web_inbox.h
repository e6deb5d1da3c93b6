#pragma once
// The web residents' inbox (table resident_messages): what the web chat's 申請した手続き shows
// under お知らせ. Web residents have no push channel, so their messages wait here until read.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "messaging/messenger.h"
#include "store/db.h"

namespace mg::messaging {

// The web channel's Messenger: one inbox row per message.
class WebInbox : public Messenger {
 public:
  void enqueue(store::Tx& tx, const Recipient& to, const Message& m) override;
};

// Bulk delivery for campaigns: one INSERT … SELECT over `residents r` of the tenant's active
// web residents matching `resident_filter_sql` (a SQL condition over `r`, e.g.
// "EXISTS (SELECT 1 FROM resident_attributes a WHERE a.resident_id = r.id AND …)"; "" for
// all), whose `?` placeholders take `params` in order. Returns the number of messages made.
int64_t deliver_to_web(store::Tx& tx, int64_t tenant_id, const std::string& resident_filter_sql,
                       const store::Params& params, const WebMessage& m);

constexpr int kInboxPageMax = 50;

// Newest first: {items: [{id, kind, title, text, link, application_id, created_at, read}],
// unread, next_before (the id to pass as `before` for older messages, or null)}.
Json inbox_page(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                std::optional<int64_t> before_id, int limit);
int64_t unread_count(store::Tx& tx, int64_t tenant_id, int64_t resident_id);
// Marks the resident's own messages read: those in `ids` (others' ids are ignored), or all
// when `ids` is empty. Returns how many changed.
int64_t mark_read(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                  const std::vector<int64_t>& ids, int64_t now_ms);

}  // namespace mg::messaging
