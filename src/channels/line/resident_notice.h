#pragma once
// Tells a LINE resident what happened to their application after they sent it: a status
// change, or a correction request (不備) with the questions to answer again.
#include "applications/chat.h"
#include "jobs/queue.h"
#include "store/db.h"

namespace mg::line {

// Handler for "resident.notify" jobs ({application_id, kind: status|correction, ...}).
// Residents of other channels are left alone: the web chat shows the same on "my
// applications". The message goes out through the outbox, in the transaction that reads it.
void notify_resident(store::Db& db, applications::ChatService& chat, const jobs::Job& job);

}  // namespace mg::line
