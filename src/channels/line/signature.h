#pragma once
// X-Line-Signature: base64(HMAC-SHA256(channel secret, raw body)), compared in constant time.
#include <string>
#include <string_view>

namespace mg::line {

std::string signature_for(std::string_view channel_secret, std::string_view raw_body);
bool signature_valid(std::string_view channel_secret, std::string_view raw_body,
                     std::string_view header_value);

}  // namespace mg::line
