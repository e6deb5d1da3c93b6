#pragma once
// LINE's webhook signature: base64(HMAC-SHA256(channel secret, raw body bytes)).
#include <string>
#include <string_view>

namespace mg::linesim {

std::string webhook_signature(std::string_view channel_secret, std::string_view raw_body);
// Constant-time check, as LINE's SDK does; used by tests and by anyone embedding the sim.
bool verify_webhook_signature(std::string_view channel_secret, std::string_view raw_body,
                              std::string_view signature);

}  // namespace mg::linesim
