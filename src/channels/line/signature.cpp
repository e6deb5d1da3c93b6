#include "channels/line/signature.h"

#include "core/crypto.h"

namespace mg::line {

std::string signature_for(std::string_view channel_secret, std::string_view raw_body) {
  return crypto::base64_encode(crypto::hmac_sha256(channel_secret, raw_body));
}

bool signature_valid(std::string_view channel_secret, std::string_view raw_body,
                     std::string_view header_value) {
  if (channel_secret.empty() || header_value.empty()) return false;
  return crypto::constant_time_equal(signature_for(channel_secret, raw_body), header_value);
}

}  // namespace mg::line
