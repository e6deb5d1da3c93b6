#pragma once
// Garbage-day reminders (issue 13): each evening (the tenant's time, default 19:00 JST, or the
// time a resident chose in their time attribute) residents with a ごみ収集地区 attribute get
// what their district collects tomorrow, with centre closures applied as garbage/schedule
// computes them, through the Messenger of their channel (LINE or the web inbox). A row in
// garbage_reminders_sent per (resident, collection day), written in the same transaction as
// the message, makes it exactly once whatever the number of sweeps or processes.
#include <cstdint>
#include <string>
#include <vector>

#include "messaging/messenger.h"
#include "store/db.h"

namespace mg::delivery {

// The reminder's text: 「明日 12月2日（水）は 燃やせるごみ・びん・缶 の収集日です。」
std::string reminder_text(const std::string& area, int month, int day, int weekday,
                          const std::vector<std::string>& categories);

// One sweep at now_ms over every tenant with reminders on; returns the reminders enqueued.
int sweep_garbage_reminders(store::Db& db, const messaging::Dispatch& messengers, int64_t now_ms);

}  // namespace mg::delivery
