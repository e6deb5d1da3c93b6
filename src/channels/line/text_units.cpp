#include "channels/line/text_units.h"

namespace mg::line {

namespace {
// Byte length of the UTF-8 sequence starting with lead byte c.
size_t seq_len(unsigned char c) { return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; }
}  // namespace

size_t utf16_length(std::string_view s) {
  size_t units = 0;
  for (size_t i = 0; i < s.size();) {
    size_t n = seq_len(static_cast<unsigned char>(s[i]));
    units += n == 4 ? 2 : 1;
    i += n;
  }
  return units;
}

std::string prefix_utf16(std::string_view s, size_t max_units) {
  size_t units = 0, i = 0;
  while (i < s.size()) {
    size_t n = seq_len(static_cast<unsigned char>(s[i]));
    size_t u = n == 4 ? 2 : 1;
    if (units + u > max_units || i + n > s.size()) break;
    units += u;
    i += n;
  }
  return std::string(s.substr(0, i));
}

std::string truncate_utf16(std::string_view s, size_t max_units) {
  if (utf16_length(s) <= max_units) return std::string(s);
  if (max_units == 0) return {};
  return prefix_utf16(s, max_units - 1) + "…";
}

}  // namespace mg::line
