#pragma once
// Character encodings of files people bring from elsewhere: Excel in Japan and Japan Post
// write Shift_JIS (Microsoft's CP932); everything inside madoguchi is UTF-8.
#include <optional>
#include <string>
#include <string_view>

namespace mg {

bool is_utf8(std::string_view s);

// CP932 (Windows-31J) to UTF-8, strictly: nullopt at the first byte sequence CP932 does not
// define, so a file in another encoding is refused rather than stored garbled.
std::optional<std::string> cp932_to_utf8(std::string_view bytes);

}  // namespace mg
