// A campaign's timing (PUT /api/campaigns/{id}/timing) and the delivery settings
// (PUT /api/delivery-settings) as arbitrary bytes, parsed with the server's JSON limits.
// Beyond "no crash": a timing either throws InvalidTiming or survives its canonical JSON
// unchanged, has a description, and its occurrences move forward; settings either throw a 400
// naming a field or come back with a valid HH:MM time.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/errors.h"
#include "core/json_parse.h"
#include "delivery/schedule.h"
#include "delivery/timing.h"

using mg::Json;

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  Json body;
  try {
    body = mg::parse_json_or_discarded(text);
  } catch (const mg::ApiError&) {
    return 0;
  }
  if (body.is_discarded()) return 0;
  try {
    auto t = mg::delivery::parse_timing(body);
    Json canonical = mg::delivery::to_json(t);
    check(mg::delivery::to_json(mg::delivery::parse_timing(canonical)) == canonical);
    check(!mg::delivery::describe(t).empty());
    const int64_t from = 1796000000000;  // 2026-11-30
    if (auto first = mg::delivery::first_occurrence(t, from)) {
      if (auto next = mg::delivery::next_occurrence(t, *first)) check(*next > *first);
      check(mg::delivery::latest_due(t, *first, *first + 86400000LL * 40) >= *first);
    }
  } catch (const mg::delivery::InvalidTiming&) {
  }
  try {
    auto s = mg::delivery::settings_from_json(body, {});
    check(s.reminder_hour >= 0 && s.reminder_hour <= 23 && s.reminder_minute >= 0 &&
          s.reminder_minute <= 59 && !s.area_attribute.empty() && !s.time_attribute.empty());
  } catch (const mg::ApiError& e) {
    check(e.status() == 400);
  }
  return 0;
}
