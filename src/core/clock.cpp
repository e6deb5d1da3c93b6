#include "core/clock.h"

#include <atomic>
#include <chrono>

namespace mg::clock {

namespace {
std::atomic<int64_t> g_offset{0};
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() +
         g_offset.load(std::memory_order_relaxed);
}

void set_offset_ms(int64_t offset) { g_offset.store(offset); }

}  // namespace mg::clock
