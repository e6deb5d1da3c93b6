#include "auth/throttle.h"

#include <gtest/gtest.h>

namespace mg::auth {
namespace {

constexpr ThrottleRule kRule{5, 15 * 60 * 1000, 60 * 60 * 1000};

TEST(Throttle, DelayDoublesAfterTheFreeFailuresUpToTheCap) {
  for (int n = 0; n < 5; ++n) EXPECT_EQ(throttle_delay_ms(kRule, n), 0) << n;
  EXPECT_EQ(throttle_delay_ms(kRule, 5), 1000);
  EXPECT_EQ(throttle_delay_ms(kRule, 6), 2000);
  EXPECT_EQ(throttle_delay_ms(kRule, 7), 4000);
  EXPECT_EQ(throttle_delay_ms(kRule, 14), 512000);
  EXPECT_EQ(throttle_delay_ms(kRule, 15), 15 * 60 * 1000);  // 1024 s > 900 s
  EXPECT_EQ(throttle_delay_ms(kRule, 1000), 15 * 60 * 1000);
  EXPECT_EQ(throttle_delay_ms(kRule, INT64_MAX), 15 * 60 * 1000);
}

TEST(Throttle, FiveAttemptsPassThenTheSixthWaits) {
  ThrottleState s;
  int64_t now = 1'000'000;
  int passed = 0;
  // 40 attempts at the same instant, as parallel guesses: only five are counted in.
  for (int i = 0; i < 40; ++i) {
    if (throttle_wait_ms(s, now) > 0) continue;
    s = throttle_count(kRule, s, now);
    ++passed;
  }
  EXPECT_EQ(passed, 5);
  EXPECT_EQ(throttle_wait_ms(s, now), 1000);
  EXPECT_EQ(throttle_wait_ms(s, now + 1000), 0);
  s = throttle_count(kRule, s, now + 1000);
  EXPECT_EQ(s.failures, 6);
  EXPECT_EQ(throttle_wait_ms(s, now + 1000), 2000);
}

TEST(Throttle, WaitingOutTheCapDoesNotResetTheCount) {
  ThrottleState s;
  int64_t now = 0;
  for (int i = 0; i < 20; ++i) {
    now += throttle_wait_ms(s, now);
    s = throttle_count(kRule, s, now);
  }
  EXPECT_EQ(s.failures, 20);
  EXPECT_EQ(throttle_wait_ms(s, now), 15 * 60 * 1000);
  // A long quiet spell forgets the failures.
  s = throttle_count(kRule, s, now + 60 * 60 * 1000 + 1);
  EXPECT_EQ(s.failures, 1);
  EXPECT_EQ(throttle_wait_ms(s, now + 60 * 60 * 1000 + 1), 0);
}

TEST(Throttle, ForgivingASuccessfulAttempt) {
  ThrottleState s;
  for (int i = 0; i < 5; ++i) s = throttle_count(kRule, s, 100);
  EXPECT_EQ(throttle_wait_ms(s, 100), 1000);
  s = throttle_forgive(kRule, s);
  EXPECT_EQ(s.failures, 4);
  EXPECT_EQ(throttle_wait_ms(s, 100), 0);
  ThrottleState zero;
  EXPECT_EQ(throttle_forgive(kRule, zero).failures, 0);
}

TEST(Throttle, NoWaitBelowTheLimitEvenWithAClockBehind) {
  ThrottleState s;
  s = throttle_count(kRule, s, 5000);
  EXPECT_EQ(throttle_wait_ms(s, 4990), 0);  // a reader whose clock is 10 ms behind
  for (int i = 0; i < 4; ++i) s = throttle_count(kRule, s, 5000);
  EXPECT_EQ(throttle_wait_ms(s, 4990), 1010);
}

TEST(Throttle, RetryAfterRoundsUp) {
  EXPECT_EQ(retry_after_seconds(1), 1);
  EXPECT_EQ(retry_after_seconds(1000), 1);
  EXPECT_EQ(retry_after_seconds(1001), 2);
  EXPECT_EQ(retry_after_seconds(0), 1);
  EXPECT_EQ(retry_after_seconds(900000), 900);
}

}  // namespace
}  // namespace mg::auth
