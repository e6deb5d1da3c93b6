#include "auth/throttle.h"

#include <algorithm>

namespace mg::auth {

int64_t throttle_delay_ms(const ThrottleRule& rule, int64_t failures) {
  if (failures < rule.free_failures) return 0;
  int64_t exponent = failures - rule.free_failures;
  // 2^40 s is far beyond any sensible cap; stop shifting before it overflows.
  if (exponent >= 40) return rule.max_delay_ms;
  return std::min(rule.max_delay_ms, (int64_t{1} << exponent) * 1000);
}

int64_t throttle_wait_ms(const ThrottleState& s, int64_t now) {
  // Below the limit next_at == last_at: never a wait, even if another server's clock (or a
  // transaction that read the clock before waiting for the row) is a little behind.
  if (s.next_at <= s.last_at) return 0;
  return s.next_at > now ? s.next_at - now : 0;
}

ThrottleState throttle_count(const ThrottleRule& rule, ThrottleState s, int64_t now) {
  if (s.failures > 0 && now - s.last_at > rule.quiet_ms) s.failures = 0;
  s.failures += 1;
  s.last_at = now;
  s.next_at = now + throttle_delay_ms(rule, s.failures);
  return s;
}

ThrottleState throttle_forgive(const ThrottleRule& rule, ThrottleState s) {
  if (s.failures <= 0) return s;
  s.failures -= 1;
  s.next_at = std::min(s.next_at, s.last_at + throttle_delay_ms(rule, s.failures));
  return s;
}

int64_t retry_after_seconds(int64_t wait_ms) {
  return std::max<int64_t>(1, (wait_ms + 999) / 1000);
}

}  // namespace mg::auth
