// libFuzzer target: arbitrary bytes as a LINE webhook body, through the webhook's own parsing
// and per-event classification (parse_webhook_body -> classify_event), without a database.
// Properties: nothing but ApiError escapes; every event of the body becomes exactly one row;
// a row is pending only with a user and a non-negative timestamp; failed rows say why.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "channels/line/event_shape.h"
#include "channels/line/webhook.h"
#include "core/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  int received = 0;
  std::vector<mg::line::WebhookEventRow> rows;
  try {
    rows = mg::line::parse_webhook_body(body, received);
  } catch (const mg::ApiError&) {
    return 0;  // 400 to the caller: malformed body
  }
  if (static_cast<int>(rows.size()) != received) std::abort();
  for (const auto& r : rows) {
    if (r.id.empty() || r.ts < 0) std::abort();
    if (r.status == "pending" && (r.user.empty() || r.type.empty() || !r.reason.empty()))
      std::abort();
    if (r.status == "failed" && r.reason.empty()) std::abort();
    if (r.status != "pending" && r.status != "skipped" && r.status != "failed") std::abort();
    if (r.user.size() > mg::line::kMaxEventIdChars) std::abort();
  }
  return 0;
}
