#include "conversation/normalize.h"

#include <gtest/gtest.h>

using namespace mg::conversation;

TEST(Normalize, FullWidthToHalfWidthAndTrim) {
  EXPECT_EQ(normalize_text("　ＡＢＣ１２３　"), "ABC123");
  EXPECT_EQ(normalize_text(" \t山田　太郎\n"), "山田 太郎");
  EXPECT_EQ(normalize_text("ﾔﾏﾀﾞ"), "ヤマダ");  // half-width kana becomes full-width
  EXPECT_EQ(trim_spaces("　a　b　"), "a　b");
}

TEST(Normalize, HiraganaBecomesKatakana) {
  EXPECT_EQ(to_katakana("やまだ たろう"), "ヤマダ タロウ");
  EXPECT_EQ(to_katakana("ゔぁ"), "ヴァ");
  EXPECT_EQ(to_katakana("山田"), "山田");
  EXPECT_TRUE(is_katakana("ヤマダ タロウ"));
  EXPECT_TRUE(is_katakana("コーヒー・ショップ"));
  EXPECT_FALSE(is_katakana("ヤマダ太郎"));
  EXPECT_FALSE(is_katakana("yamada"));
  EXPECT_FALSE(is_katakana(""));
}

TEST(Normalize, PhoneNumbersWithAnyDash) {
  EXPECT_EQ(normalize_phone("090-1234-5678"), "09012345678");
  EXPECT_EQ(normalize_phone("０９０ー１２３４ー５６７８"), "09012345678");
  EXPECT_EQ(normalize_phone("03‐1234―5678"), "0312345678");
  EXPECT_EQ(normalize_phone("(0765) 22−1111"), "0765221111");
  EXPECT_EQ(normalize_phone("0120–123–456"), "0120123456");
  EXPECT_EQ(normalize_phone("9012345678"), "");    // must start with 0
  EXPECT_EQ(normalize_phone("012345678"), "");     // 9 digits
  EXPECT_EQ(normalize_phone("090123456789"), "");  // 12 digits
  EXPECT_EQ(normalize_phone("090-1234-567a"), "");
}

TEST(Normalize, PostalCodes) {
  EXPECT_EQ(normalize_postal_code("100-0001"), "1000001");
  EXPECT_EQ(normalize_postal_code("１００ー０００１"), "1000001");
  EXPECT_EQ(normalize_postal_code("〒100－0001"), "1000001");
  EXPECT_EQ(normalize_postal_code("1000001"), "1000001");
  EXPECT_EQ(normalize_postal_code("10-00001"), "");
  EXPECT_EQ(normalize_postal_code("100001"), "");
  EXPECT_EQ(normalize_postal_code("abc-defg"), "");
  EXPECT_EQ(format_postal_code("1000001"), "100-0001");
}

TEST(Normalize, Email) {
  EXPECT_EQ(normalize_email(" taro@example.jp "), "taro@example.jp");
  EXPECT_EQ(normalize_email("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ"), "taro@example.jp");
  EXPECT_EQ(normalize_email("taro@example"), "");
  EXPECT_EQ(normalize_email("taro@@example.jp"), "");
  EXPECT_EQ(normalize_email("@example.jp"), "");
  EXPECT_EQ(normalize_email("ta ro@example.jp"), "");
  EXPECT_EQ(normalize_email("太郎@example.jp"), "");
}

TEST(Normalize, CharacterCountingAndTruncation) {
  EXPECT_EQ(char_count("あいう"), 3u);
  EXPECT_EQ(char_count("aあ"), 2u);
  EXPECT_EQ(truncate_chars("あいうえお", 5), "あいうえお");
  EXPECT_EQ(truncate_chars("あいうえおか", 5), "あいうえ…");
  EXPECT_EQ(char_count(truncate_chars(std::string(30, 'x'), 20)), 20u);
}
