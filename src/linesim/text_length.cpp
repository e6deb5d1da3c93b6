#include "linesim/text_length.h"

namespace mg::linesim {

std::size_t utf16_length(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80           ? 1
                      : (c >> 5) == 0x6  ? 2
                      : (c >> 4) == 0xE  ? 3
                      : (c >> 3) == 0x1E ? 4
                                         : 1;
    if (i + len > s.size()) len = 1;
    n += len == 4 ? 2 : 1;
    i += len;
  }
  return n;
}

}  // namespace mg::linesim
