#include "core/sealed_box.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "core/crypto.h"

namespace mg::crypto {

namespace {

constexpr std::string_view kPrefix = "v1:";
constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherCtx new_ctx() {
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) throw std::runtime_error("EVP_CIPHER_CTX_new failed");
  return ctx;
}

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace

SealedBox::SealedBox(std::string key) : key_(std::move(key)) {
  if (key_.size() != kKeyBytes) throw std::invalid_argument("secret key must be 32 bytes");
}

SealedBox SealedBox::with_random_key() {
  std::string key(kKeyBytes, '\0');
  if (RAND_bytes(bytes(key), static_cast<int>(kKeyBytes)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return SealedBox(std::move(key));
}

bool SealedBox::is_sealed(std::string_view stored) { return stored.substr(0, 3) == kPrefix; }

std::string SealedBox::seal(std::string_view plain, std::string_view context) const {
  std::string out(kNonceBytes + plain.size() + kTagBytes, '\0');
  if (RAND_bytes(bytes(out), kNonceBytes) != 1) throw std::runtime_error("RAND_bytes failed");
  auto ctx = new_ctx();
  int len = 0;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key_), bytes(out)) != 1 ||
      (!context.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(context),
                                             static_cast<int>(context.size())) != 1) ||
      EVP_EncryptUpdate(ctx.get(), bytes(out) + kNonceBytes, &len, bytes(plain),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), bytes(out) + kNonceBytes + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          bytes(out) + kNonceBytes + plain.size()) != 1)
    throw std::runtime_error("AES-GCM encryption failed");
  return std::string(kPrefix) + base64_encode(out);
}

std::string SealedBox::open(std::string_view sealed, std::string_view context) const {
  if (!is_sealed(sealed)) throw SealError("not a sealed value");
  std::string raw = base64_decode(sealed.substr(kPrefix.size()));
  if (raw.size() < static_cast<size_t>(kNonceBytes + kTagBytes))
    throw SealError("sealed value is truncated");
  const size_t n = raw.size() - kNonceBytes - kTagBytes;
  std::string plain(n, '\0');
  std::string tag = raw.substr(kNonceBytes + n);
  auto ctx = new_ctx();
  int len = 0;
  bool ok = EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
            EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key_), bytes(raw)) == 1 &&
            (context.empty() || EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(context),
                                                  static_cast<int>(context.size())) == 1) &&
            EVP_DecryptUpdate(ctx.get(), bytes(plain), &len, bytes(raw) + kNonceBytes,
                              static_cast<int>(n)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, bytes(tag)) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), bytes(plain) + len, &len) == 1;
  if (!ok) throw SealError("sealed value does not open with this key (changed or another key)");
  return plain;
}

std::string parse_secret_key(std::string_view text) {
  std::string t = trim(text);
  if (t.size() == 2 * SealedBox::kKeyBytes) {
    std::string key;
    for (size_t i = 0; i < t.size(); i += 2) {
      int hi = hex_value(t[i]), lo = hex_value(t[i + 1]);
      if (hi < 0 || lo < 0) {
        key.clear();
        break;
      }
      key.push_back(static_cast<char>(hi * 16 + lo));
    }
    if (key.size() == SealedBox::kKeyBytes) return key;
  }
  std::string key = base64_decode(t);
  if (key.size() != SealedBox::kKeyBytes)
    throw std::invalid_argument(
        "secret key must be 32 bytes as 64 hex digits or base64 (e.g. `openssl rand -base64 32`)");
  return key;
}

std::string load_or_create_key_file(const std::string& path, bool& created) {
  created = false;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT)
      throw std::runtime_error("cannot read secret key file " + path + ": " + std::strerror(errno));
    std::string raw(SealedBox::kKeyBytes, '\0');
    if (RAND_bytes(bytes(raw), static_cast<int>(raw.size())) != 1)
      throw std::runtime_error("RAND_bytes failed");
    std::string text = base64_encode(raw) + "\n";
    std::string tmp = path + ".tmp." + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
      throw std::runtime_error("cannot create secret key file " + tmp + ": " +
                               std::strerror(errno));
    bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                   ::fsync(fd) == 0;
    ::close(fd);
    // link() fails if another process created the key meanwhile: then its key is used.
    int linked = written ? ::link(tmp.c_str(), path.c_str()) : -1;
    int link_errno = errno;
    ::unlink(tmp.c_str());
    if (!written) throw std::runtime_error("cannot write secret key file " + tmp);
    if (linked == 0) {
      created = true;
      return raw;
    }
    if (link_errno != EEXIST)
      throw std::runtime_error("cannot create secret key file " + path + ": " +
                               std::strerror(link_errno));
    if (::stat(path.c_str(), &st) != 0)
      throw std::runtime_error("cannot read secret key file " + path);
  }
  if ((st.st_mode & 077) != 0)
    throw std::runtime_error("secret key file " + path +
                             " is readable by group or others; run: chmod 600 " + path);
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read secret key file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_secret_key(ss.str());
}

}  // namespace mg::crypto
