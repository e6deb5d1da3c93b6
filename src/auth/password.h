#pragma once
#include <string>

namespace mg::auth {

// argon2id with OWASP's minimum parameters (19 MiB, t=2, p=1), encoded PHC string.
std::string hash_password(const std::string& password);
bool verify_password(const std::string& encoded, const std::string& password);
// Staff passwords: at least 10 characters. Returns an error message or "".
std::string password_problem(const std::string& password);

}  // namespace mg::auth
