// Secrets at rest: AES-256-GCM round trip, tampering, wrong key or context, key files.
#include "core/sealed_box.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/crypto.h"

namespace mg::crypto {
namespace {

namespace fs = std::filesystem;

TEST(SealedBox, RoundTripsWithVersionPrefixAndFreshNonce) {
  auto box = SealedBox::with_random_key();
  std::string secret = "0123456789abcdef0123456789abcdef";
  std::string a = box.seal(secret, "ctx"), b = box.seal(secret, "ctx");
  EXPECT_EQ(a.rfind("v1:", 0), 0u);
  EXPECT_TRUE(SealedBox::is_sealed(a));
  EXPECT_FALSE(SealedBox::is_sealed(secret));
  EXPECT_NE(a, b);  // a fresh nonce each time
  EXPECT_EQ(a.find(secret), std::string::npos);
  EXPECT_EQ(box.open(a, "ctx"), secret);
  EXPECT_EQ(box.open(box.seal("", "c"), "c"), "");
  std::string big(5000, 'x');
  EXPECT_EQ(box.open(box.seal(big)), big);
}

TEST(SealedBox, TamperedValueDoesNotOpen) {
  auto box = SealedBox::with_random_key();
  std::string sealed = box.seal("token-value", "t");
  std::string raw = base64_decode(sealed.substr(3));
  for (size_t i : {size_t{0}, size_t{12}, raw.size() - 1}) {  // nonce, ciphertext, tag
    std::string bad = raw;
    bad[i] = static_cast<char>(bad[i] ^ 1);
    EXPECT_THROW(box.open("v1:" + base64_encode(bad), "t"), SealError) << i;
  }
  EXPECT_THROW(box.open("v1:" + base64_encode(raw.substr(0, 20)), "t"), SealError);
  EXPECT_THROW(box.open("v1:", "t"), SealError);
  EXPECT_THROW(box.open("token-value", "t"), SealError);  // plain text is not sealed
  EXPECT_THROW(box.open("v1:!!!not base64", "t"), SealError);
}

TEST(SealedBox, WrongKeyOrContextDoesNotOpen) {
  auto a = SealedBox::with_random_key(), b = SealedBox::with_random_key();
  std::string sealed = a.seal("secret", "line_channels.channel_secret:1");
  EXPECT_THROW(b.open(sealed, "line_channels.channel_secret:1"), SealError);
  EXPECT_THROW(a.open(sealed, "line_channels.channel_secret:2"), SealError);
  EXPECT_THROW(a.open(sealed), SealError);
  EXPECT_THROW(SealedBox(std::string(31, 'k')), std::invalid_argument);
}

TEST(SealedBox, ParsesHexAndBase64Keys) {
  std::string hex(64, 'a');
  EXPECT_EQ(parse_secret_key(hex), std::string(32, '\xaa'));
  std::string raw(32, '\x01');
  EXPECT_EQ(parse_secret_key(base64_encode(raw) + "\n"), raw);
  EXPECT_THROW(parse_secret_key("short"), std::invalid_argument);
  EXPECT_THROW(parse_secret_key(std::string(64, 'z')), std::invalid_argument);
}

TEST(SealedBox, KeyFileIsCreatedPrivateOnceAndLooseFilesAreRefused) {
  fs::path dir = fs::temp_directory_path() / ("mg-key-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string path = (dir / "secret.key").string();
  bool created = false;
  std::string k1 = load_or_create_key_file(path, created);
  EXPECT_TRUE(created);
  EXPECT_EQ(k1.size(), 32u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string k2 = load_or_create_key_file(path, created);
  EXPECT_FALSE(created);
  EXPECT_EQ(k1, k2);  // the same key on every start
  ::chmod(path.c_str(), 0644);
  EXPECT_THROW(load_or_create_key_file(path, created), std::runtime_error);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace mg::crypto
