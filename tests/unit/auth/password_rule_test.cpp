#include <gtest/gtest.h>

#include <string>

#include "auth/password.h"

namespace mg::auth {
namespace {

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(PasswordRule, CountsUnicodeCharactersNotBytes) {
  // 11 ASCII characters are too few; 12 pass.
  EXPECT_FALSE(password_problem("kx7-mrq-2zp").empty());
  EXPECT_TRUE(password_problem("kx7-mrq-2zpw").empty());
  // 4 kanji are 12 bytes but only 4 characters.
  EXPECT_FALSE(password_problem("市役所窓").empty());
  // 12 Japanese characters (36 bytes) pass; 11 do not.
  EXPECT_TRUE(password_problem("やまのうえのしやくしょまど").empty());
  EXPECT_EQ(password_problem("やまのうえのしやくしょ"), "パスワードは12文字以上にしてください");
  EXPECT_EQ(utf8_length("やまのうえのしやくしょまど"), 13u);
  EXPECT_EQ(utf8_length("a\xF0\x9F\x98\x80"), 2u);  // an emoji outside the BMP is one
}

TEST(PasswordRule, LongPassphrasesUpToTheLimit) {
  EXPECT_TRUE(password_problem(repeat("correct horse ", 14)).empty());  // 196 chars
  EXPECT_TRUE(password_problem(repeat("あ", 256)).empty());             // 768 bytes
  EXPECT_FALSE(password_problem(repeat("あ", 257)).empty());
  EXPECT_FALSE(password_problem(repeat("x", 1025)).empty());
}

TEST(PasswordRule, RefusesMalformedUtf8) {
  EXPECT_EQ(utf8_length("\xC0\xAF"), std::nullopt);          // overlong '/'
  EXPECT_EQ(utf8_length("\xED\xA0\x80"), std::nullopt);      // a surrogate
  EXPECT_EQ(utf8_length("abc\xE3\x81"), std::nullopt);       // truncated
  EXPECT_EQ(utf8_length("\x80zz"), std::nullopt);            // stray continuation byte
  EXPECT_EQ(utf8_length("\xF4\x90\x80\x80"), std::nullopt);  // beyond U+10FFFF
  EXPECT_EQ(password_problem("good-length-\xFF\xFE-pass"),
            "パスワードに使えない文字が含まれています");
}

TEST(PasswordRule, RefusesCommonPasswordsCaseInsensitively) {
  EXPECT_TRUE(is_common_password("password"));
  EXPECT_TRUE(is_common_password("qwerty123456"));
  EXPECT_TRUE(is_common_password("QWERTY123456"));
  EXPECT_TRUE(is_common_password("1qaz2wsx3edc"));
  // A listed word padded with digits or symbols.
  EXPECT_TRUE(is_common_password("password1234"));
  EXPECT_TRUE(is_common_password("Password1234!"));
  EXPECT_TRUE(is_common_password("2024!!dragon2024"));
  EXPECT_FALSE(password_problem("password1234").empty());
  EXPECT_FALSE(password_problem("Qwerty123456").empty());
  EXPECT_FALSE(is_common_password("kx7-mrq-2zpw"));
  EXPECT_FALSE(is_common_password("123456789012345678"));  // only digits: not a padded word
  EXPECT_FALSE(is_common_password("password manager for the town"));
  EXPECT_FALSE(is_common_password(""));
}

TEST(PasswordRule, TheListHasTenThousandEntries) {
  std::string_view text = common_passwords_text();
  std::size_t lines = 0;
  for (char c : text) lines += c == '\n';
  EXPECT_GE(lines, 10000u);
  EXPECT_LE(lines, 10001u);
}

TEST(PasswordRule, HashesVerify) {
  auto h = hash_password("やまのうえのしやくしょまど");
  EXPECT_TRUE(verify_password(h, "やまのうえのしやくしょまど"));
  EXPECT_FALSE(verify_password(h, "やまのうえのしやくしょまと"));
}

}  // namespace
}  // namespace mg::auth
