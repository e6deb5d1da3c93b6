#pragma once
// Login throttling arithmetic (no I/O). Failures are counted per key (an account, a client
// address); once a key has `free_failures` in a row, each further attempt must wait
// 2^(n - free_failures) seconds, capped at `max_delay_ms`. A key that stayed quiet for
// `quiet_ms` starts again from zero. Attempts are counted when they are reserved, before the
// password is checked, so parallel guesses cannot overtake the count; a success then
// clears the account's key.
#include <cstdint>

namespace mg::auth {

struct ThrottleRule {
  int64_t free_failures = 5;
  int64_t max_delay_ms = 15 * 60 * 1000;
  // Longer than the longest delay, so that waiting out the cap does not reset the count.
  int64_t quiet_ms = 60 * 60 * 1000;
};

struct ThrottleState {
  int64_t failures = 0;  // attempts counted in the current run, including reserved ones
  int64_t last_at = 0;   // when the last attempt was counted
  int64_t next_at = 0;   // no attempt before this time
};

// How long an attempt must wait after `failures` counted failures (0 below the limit).
int64_t throttle_delay_ms(const ThrottleRule& rule, int64_t failures);
// Milliseconds until an attempt is allowed at `now`; 0 means allowed now.
int64_t throttle_wait_ms(const ThrottleState& s, int64_t now);
// The state after counting one more attempt at `now` (call only when the wait is 0).
ThrottleState throttle_count(const ThrottleRule& rule, ThrottleState s, int64_t now);
// Takes back one counted attempt that turned out to succeed (the address of a good login).
ThrottleState throttle_forgive(const ThrottleRule& rule, ThrottleState s);
// Whole seconds for a Retry-After header (rounded up, at least 1).
int64_t retry_after_seconds(int64_t wait_ms);

}  // namespace mg::auth
