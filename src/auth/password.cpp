#include "auth/password.h"

#include <argon2.h>

#include <cctype>
#include <stdexcept>
#include <unordered_set>

#include "core/crypto.h"

namespace mg::auth {

namespace {
constexpr uint32_t kTime = 2, kMemoryKiB = 19456, kLanes = 1, kHashLen = 32, kSaltLen = 16;

const std::unordered_set<std::string_view>& common_set() {
  static const auto set = [] {
    std::unordered_set<std::string_view> s;
    s.reserve(12000);
    std::string_view text = common_passwords_text();
    std::size_t pos = 0;
    while (pos < text.size()) {
      auto end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      if (end > pos) s.insert(text.substr(pos, end - pos));
      pos = end + 1;
    }
    return s;
  }();
  return set;
}

bool is_filler(char c) {
  // Digits and ASCII symbols people append to a word to satisfy a rule ("password1234!").
  auto u = static_cast<unsigned char>(c);
  return u >= 0x21 && u <= 0x7e && !std::isalpha(u);
}
}  // namespace

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

std::optional<std::size_t> utf8_length(std::string_view s) {
  std::size_t n = 0, i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra;
    uint32_t cp;
    if (c < 0x80) {
      extra = 0;
      cp = c;
    } else if (c >= 0xc2 && c <= 0xdf) {
      extra = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      extra = 2;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return std::nullopt;  // continuation byte first, or 0xc0/0xc1/0xf5+ (never valid)
    }
    if (i + extra >= s.size()) return std::nullopt;  // truncated sequence
    for (std::size_t k = 1; k <= extra; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return std::nullopt;
    i += extra + 1;
    ++n;
  }
  return n;
}

bool is_common_password(std::string_view password) {
  std::string low(password);
  for (auto& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto& set = common_set();
  if (set.count(low)) return true;
  // "password1234", "!!qwerty123456": a listed word padded with digits or symbols.
  std::size_t b = 0, e = low.size();
  while (b < e && is_filler(low[b])) ++b;
  while (e > b && is_filler(low[e - 1])) --e;
  if (e - b == low.size() || e == b) return false;
  return set.count(std::string_view(low).substr(b, e - b)) > 0;
}

std::string password_problem(const std::string& password) {
  if (password.size() > kMaxPasswordBytes) return "パスワードが長すぎます（256文字以内）";
  auto chars = utf8_length(password);
  if (!chars) return "パスワードに使えない文字が含まれています";
  if (*chars < kMinPasswordChars) return "パスワードは12文字以上にしてください";
  if (*chars > kMaxPasswordChars) return "パスワードが長すぎます（256文字以内）";
  if (is_common_password(password))
    return "よく使われていて推測されやすいパスワードです。別のパスワードにしてください";
  return {};
}

}  // namespace mg::auth
