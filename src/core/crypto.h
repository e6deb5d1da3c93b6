#pragma once
#include <string>
#include <string_view>

namespace mg::crypto {

// Cryptographically random token, URL-safe base64 of `bytes` random bytes.
std::string random_token(std::size_t bytes = 32);
// `chars` URL-safe characters from a per-thread PRNG: unique enough for request ids and test
// doubles, cheap on hot paths, never for secrets (use random_token).
std::string unique_id(std::size_t chars);
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw bytes
std::string base64_encode(std::string_view raw);
std::string base64_decode(std::string_view b64);  // empty on invalid input
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace mg::crypto
