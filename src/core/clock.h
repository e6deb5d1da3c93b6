#pragma once
#include <atomic>
#include <cstdint>
#include <string>

namespace mg {

// Where "now" comes from. Code that decides by time (leases, backoff, reply-token expiry,
// due schedules) takes a `const Clock&` so tests move time for that object alone instead of
// for the whole process.
class Clock {
 public:
  virtual ~Clock() = default;
  // Unix time in milliseconds.
  virtual int64_t now_ms() const = 0;
  int64_t now_s() const { return now_ms() / 1000; }
};

// The process's clock: the system's time (plus clock::set_offset_ms while tests not yet given
// a Clock still move the process's time). The default wherever a Clock is taken.
const Clock& system_clock();

// Another clock moved by a settable offset: tests, and line-sim's POST /sim/clock.
class SettableClock final : public Clock {
 public:
  explicit SettableClock(const Clock& base = system_clock()) : base_(base) {}
  int64_t now_ms() const override {
    return base_.now_ms() + offset_.load(std::memory_order_relaxed);
  }
  void set_offset_ms(int64_t offset) { offset_.store(offset); }
  void advance_ms(int64_t ms) { offset_.fetch_add(ms); }
  int64_t offset_ms() const { return offset_.load(); }

 private:
  const Clock& base_;
  std::atomic<int64_t> offset_{0};
};

}  // namespace mg

namespace mg::clock {

// system_clock().now_ms(), for code not yet given a Clock.
int64_t now_ms();
inline int64_t now_s() { return now_ms() / 1000; }
// Moves the process's clock. Only for tests of code that reads clock::now_ms() directly; new
// tests give the code a SettableClock instead. Remove with the last such test.
void set_offset_ms(int64_t offset);
// The date in Japan (YYYY-MM-DD) at a Unix time: municipalities count days in JST.
std::string date_jst(int64_t ms);
// strftime in Japan's time zone (no DST, so a fixed +9 h is exact).
std::string format_jst(int64_t ms, const char* format);

}  // namespace mg::clock
