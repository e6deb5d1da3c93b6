// libFuzzer target: arbitrary bytes as a recurring-schedule rule (the JSON a schedule stores and
// the console sends) through parse_recurrence, to_json, describe and next_after. Properties:
// parsing throws nothing but InvalidRecurrence; an accepted rule survives its canonical JSON;
// every occurrence next_after finds is strictly later, on a date the rule occurs on, at the
// rule's time of day in JST.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "calendar/recurrence.h"
#include "core/json.h"

using namespace mg::calendar;

namespace {
void check(bool ok) {
  if (!ok) std::abort();  // an invariant broke: libFuzzer saves the input as a crash
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mg::Json j = mg::Json::parse(reinterpret_cast<const char*>(data),
                               reinterpret_cast<const char*>(data) + size, nullptr, false);
  if (j.is_discarded()) return 0;
  Recurrence r;
  try {
    r = parse_recurrence(j);
  } catch (const InvalidRecurrence& e) {
    check(std::string(e.what()).size() > 0);
    return 0;
  }
  check(parse_recurrence(to_json(r)) == r);
  check(!describe(r).empty());
  // 2026-01-01T00:00Z, a leap day, and a year end just before midnight JST.
  for (int64_t t : {int64_t{1767225600000}, int64_t{1709164800000}, int64_t{1798729199999}}) {
    auto at = next_after(r, t);
    if (!at) continue;
    check(*at > t);
    check(occurs_on(r, jst_date(*at)));
    check(jst_instant(jst_date(*at), r.hour, r.minute) == *at);
  }
  return 0;
}
