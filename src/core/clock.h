#pragma once
#include <cstdint>
#include <string>

namespace mg::clock {

// Unix time in milliseconds. Tests may set a fixed offset to move "now".
int64_t now_ms();
inline int64_t now_s() { return now_ms() / 1000; }
void set_offset_ms(int64_t offset);
// The date in Japan (YYYY-MM-DD) at a Unix time: municipalities count days in JST.
std::string date_jst(int64_t ms);
// strftime in Japan's time zone (no DST, so a fixed +9 h is exact).
std::string format_jst(int64_t ms, const char* format);

}  // namespace mg::clock
