// The results page's from/to query parameters (GET /api/services/{id}/results), on arbitrary
// bytes split at the first NUL. Beyond "no crash": a range is either refused with a 400 that
// names its field, or an ordered pair of JST midnights exactly whole days apart.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "applications/results.h"
#include "core/errors.h"

namespace {
void check(bool ok) {
  if (!ok) std::abort();  // an invariant broke: libFuzzer saves the input as a crash
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  auto cut = s.find('\0');
  std::string from = s.substr(0, cut), to = cut == std::string::npos ? "" : s.substr(cut + 1);
  try {
    auto r = mg::applications::day_range(from, to);
    constexpr int64_t kDay = 86'400'000, kJst = 9 * 3'600'000;
    check(r.from_ms.has_value() == !from.empty());
    check(r.to_ms.has_value() == !to.empty());
    if (r.from_ms) check(((*r.from_ms + kJst) % kDay + kDay) % kDay == 0);
    if (r.to_ms) check(((*r.to_ms + kJst) % kDay + kDay) % kDay == 0);
    if (r.from_ms && r.to_ms) check(*r.from_ms < *r.to_ms);
  } catch (const mg::ApiError& e) {
    check(e.status() == 400);
    check(e.field() == "from" || e.field() == "to");
  }
  return 0;
}
