#include "core/clock.h"

#include <atomic>
#include <chrono>
#include <ctime>

namespace mg {

namespace {
std::atomic<int64_t> g_offset{0};

class ProcessClock final : public Clock {
 public:
  int64_t now_ms() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch())
               .count() +
           g_offset.load(std::memory_order_relaxed);
  }
};
}  // namespace

const Clock& system_clock() {
  static const ProcessClock clock;
  return clock;
}

}  // namespace mg

namespace mg::clock {

int64_t now_ms() { return system_clock().now_ms(); }

void set_offset_ms(int64_t offset) { g_offset.store(offset); }

std::string format_jst(int64_t ms, const char* format) {
  std::time_t t = static_cast<std::time_t>(ms / 1000 + 9 * 3600);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::size_t n = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

std::string date_jst(int64_t ms) { return format_jst(ms, "%Y-%m-%d"); }

}  // namespace mg::clock
