#pragma once
// LINE's character limits count UTF-16 code units (its servers are JVM-based), so an emoji
// outside the BMP counts as two. Invalid UTF-8 bytes count as one each.
#include <cstddef>
#include <string_view>

namespace mg::linesim {

std::size_t utf16_length(std::string_view utf8);

}  // namespace mg::linesim
