#include "linesim/signature.h"

#include "core/crypto.h"

namespace mg::linesim {

std::string webhook_signature(std::string_view channel_secret, std::string_view raw_body) {
  return crypto::base64_encode(crypto::hmac_sha256(channel_secret, raw_body));
}

bool verify_webhook_signature(std::string_view channel_secret, std::string_view raw_body,
                              std::string_view signature) {
  auto expected = webhook_signature(channel_secret, raw_body);
  return expected.size() == signature.size() && crypto::constant_time_equal(expected, signature);
}

}  // namespace mg::linesim
