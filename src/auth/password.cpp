#include "auth/password.h"

#include <argon2.h>

#include <stdexcept>

#include "core/crypto.h"

namespace mg::auth {

namespace {
constexpr uint32_t kTime = 2, kMemoryKiB = 19456, kLanes = 1, kHashLen = 32, kSaltLen = 16;
}

std::string hash_password(const std::string& password) {
  std::string salt = crypto::random_token(kSaltLen).substr(0, kSaltLen);
  std::size_t len = argon2_encodedlen(kTime, kMemoryKiB, kLanes, kSaltLen, kHashLen, Argon2_id);
  std::string out(len, '\0');
  int rc = argon2id_hash_encoded(kTime, kMemoryKiB, kLanes, password.data(), password.size(),
                                 salt.data(), salt.size(), kHashLen, out.data(), len);
  if (rc != ARGON2_OK) throw std::runtime_error(argon2_error_message(rc));
  out.resize(out.find('\0') == std::string::npos ? out.size() : out.find('\0'));
  return out;
}

bool verify_password(const std::string& encoded, const std::string& password) {
  if (encoded.rfind("$argon2id$", 0) != 0) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

std::string password_problem(const std::string& password) {
  if (password.size() < 10) return "パスワードは10文字以上にしてください";
  if (password.size() > 256) return "パスワードが長すぎます";
  return {};
}

}  // namespace mg::auth
