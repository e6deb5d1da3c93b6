#pragma once
// LINE measures text limits in UTF-16 code units; these helpers count and cut that way so an
// emoji never pushes a message over a limit that looked fine in code points.
#include <cstddef>
#include <string>
#include <string_view>

namespace mg::line {

size_t utf16_length(std::string_view utf8);
// The longest prefix within max_units, with "…" as the last unit when cut.
std::string truncate_utf16(std::string_view utf8, size_t max_units);
// Exactly the longest prefix within max_units, cut on a code point boundary (no ellipsis).
std::string prefix_utf16(std::string_view utf8, size_t max_units);

}  // namespace mg::line
