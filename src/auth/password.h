#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mg::auth {

// argon2id with OWASP's minimum parameters (19 MiB, t=2, p=1), encoded PHC string.
std::string hash_password(const std::string& password);
bool verify_password(const std::string& encoded, const std::string& password);

// Staff password rule (NIST SP 800-63B): 12 to 256 characters counted as Unicode code points,
// so 12 kanji pass and long passphrases are welcome; at most kMaxPasswordBytes of UTF-8;
// not one of the most common passwords (case-insensitive, also with digits or symbols
// stuck before or after it). Returns a Japanese message for the user, or "" when acceptable.
constexpr std::size_t kMinPasswordChars = 12;
constexpr std::size_t kMaxPasswordChars = 256;
constexpr std::size_t kMaxPasswordBytes = 1024;
std::string password_problem(const std::string& password);

// Number of code points in well-formed UTF-8, or nullopt for malformed input
// (overlong forms, surrogates, truncated sequences).
std::optional<std::size_t> utf8_length(std::string_view s);
bool is_common_password(std::string_view password);
// The shipped list (common_passwords.cpp), one lower-cased password per line.
std::string_view common_passwords_text();

}  // namespace mg::auth
