#pragma once
// Which LINE webhook events we can act on. LINE documents the shapes (webhook.yml); a body that
// is validly signed but carries an event of another shape (a wrong-typed field, a missing
// object) must fail on its own, with a reason, and never stop the events of other residents or
// tenants. Pure functions: the webhook, the event processor and the fuzz target share them.
#include <cstdint>
#include <string>

#include "core/json.h"

namespace mg::line {

enum class EventVerdict {
  answer,  // stored 'pending'; the event processor answers it
  skip,    // kept for the record, not answered (standby mode, no user)
  reject,  // malformed: stored 'failed' with the reason
};

struct EventShape {
  EventVerdict verdict = EventVerdict::reject;
  std::string reason;  // why skipped or rejected; empty when answered
  std::string type;    // "" when not a string
  std::string user_id;
  std::string webhook_event_id;  // "" when absent (the caller derives one)
  int64_t timestamp_ms = -1;     // -1 when absent or not a non-negative integer
};

// Longest identifiers we store (LINE's user IDs are 33 characters, event IDs 26).
inline constexpr size_t kMaxEventIdChars = 128;
inline constexpr size_t kMaxEventTypeChars = 64;

EventShape classify_event(const Json& event);

const char* verdict_status(EventVerdict v);  // "pending" | "skipped" | "failed"

}  // namespace mg::line
