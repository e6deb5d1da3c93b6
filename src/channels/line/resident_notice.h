#pragma once
// Tells a resident what happened to their application after they sent it: a status change,
// or a correction request (不備) with the questions to answer again. The message is
// channel-neutral; the resident's channel delivers it (LINE: a push that continues the
// correction dialog; web: the inbox, linking to the correction page).
#include "jobs/queue.h"
#include "messaging/messenger.h"
#include "store/db.h"

namespace mg::line {

// Handler for "resident.notify" jobs ({application_id, kind: status|correction, status?,
// session_id?}). The message is enqueued in the transaction that reads the application.
void notify_resident(store::Db& db, const messaging::Dispatch& messengers, const jobs::Job& job);

// The message for one notice, without I/O: `head` is 「受付番号 X（service）」.
messaging::Message status_message(const std::string& tenant_code, const std::string& head,
                                  const std::string& status_label, int64_t application_id);
messaging::Message correction_message(const std::string& tenant_code, const std::string& head,
                                      const std::string& reason, int64_t application_id,
                                      int64_t correction_id, const std::string& session_id);

}  // namespace mg::line
