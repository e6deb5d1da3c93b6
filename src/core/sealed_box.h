#pragma once
// Secrets at rest (LINE channel secrets and access tokens): AES-256-GCM with a key kept outside
// the database, so a copy of the database (a backup, a dump, a stolen disk image of the
// database server) does not hand out the credentials.
// Stored form: "v1:" + base64(nonce[12] | ciphertext | tag[16]). The optional context is
// authenticated (not stored): a value sealed for one tenant's column does not open for another.
#include <stdexcept>
#include <string>
#include <string_view>

namespace mg::crypto {

struct SealError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class SealedBox {
 public:
  static constexpr std::size_t kKeyBytes = 32;
  // Throws std::invalid_argument unless key is exactly 32 bytes.
  explicit SealedBox(std::string key);
  static SealedBox with_random_key();

  std::string seal(std::string_view plain, std::string_view context = {}) const;
  // Throws SealError when the value is not "v1:…", was changed, or was sealed with another key
  // or context.
  std::string open(std::string_view sealed, std::string_view context = {}) const;
  // True when `stored` has the sealed form's prefix (a plain-text value from before sealing has
  // not: LINE secrets are hex and tokens have no ':').
  static bool is_sealed(std::string_view stored);

 private:
  std::string key_;
};

// A 32-byte key from text: 64 hex digits or base64 (padded or not) of 32 bytes.
// Throws std::invalid_argument otherwise.
std::string parse_secret_key(std::string_view text);

// Reads the key file at `path`, or creates it (32 random bytes, base64, mode 0600) when it does
// not exist. Creation is atomic (written to a temporary file, then linked into place, so two
// processes starting together end up with the same key). Throws std::runtime_error when the
// file is readable by group or others, or unreadable. `created` tells whether it was made now.
std::string load_or_create_key_file(const std::string& path, bool& created);

}  // namespace mg::crypto
