#include "conversation/receipt.h"

#include <gtest/gtest.h>

#include <unordered_set>

using namespace mg::conversation;

TEST(Receipt, FormatAndAlphabet) {
  std::string r = receipt_number(1, "tenant-a");
  ASSERT_EQ(r.size(), 11u);
  EXPECT_EQ(r[3], '-');
  EXPECT_EQ(r[7], '-');
  for (char c : r) {
    if (c == '-') continue;
    EXPECT_NE(kReceiptAlphabet.find(c), std::string_view::npos) << r;
    EXPECT_EQ(std::string("0O1IL").find(c), std::string::npos) << r;
  }
}

TEST(Receipt, DeterministicAndSaltedPerTenant) {
  EXPECT_EQ(receipt_number(42, "uozu"), receipt_number(42, "uozu"));
  EXPECT_NE(receipt_number(42, "uozu"), receipt_number(42, "kurobe"));
  EXPECT_NE(receipt_number(42, "uozu"), receipt_number(43, "uozu"));
}

TEST(Receipt, UniqueOverAMillionIds) {
  std::unordered_set<std::string> seen;
  seen.reserve(1'000'000);
  for (uint64_t i = 0; i < 1'000'000; ++i)
    ASSERT_TRUE(seen.insert(receipt_number(i, "uozu")).second) << i;
  // Consecutive ids do not give consecutive-looking numbers.
  EXPECT_NE(receipt_number(1, "uozu").substr(0, 7), receipt_number(2, "uozu").substr(0, 7));
}

TEST(Receipt, CheckCharacterCatchesTypos) {
  std::string r = receipt_number(123456, "uozu");
  EXPECT_TRUE(receipt_number_valid(r));
  std::string lower = r;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(normalize_receipt_number(lower), r);
  std::string compact = r.substr(0, 3) + r.substr(4, 3) + r.substr(8);
  EXPECT_EQ(normalize_receipt_number(compact), r);
  // Every single-character substitution is detected.
  for (size_t pos : {0u, 1u, 2u, 4u, 5u, 6u, 8u, 9u, 10u}) {
    for (char c : kReceiptAlphabet) {
      if (c == r[pos]) continue;
      std::string typo = r;
      typo[pos] = c;
      EXPECT_FALSE(receipt_number_valid(typo)) << typo;
    }
  }
  // Swapping two different payload characters is detected too.
  std::string payload = r.substr(0, 3) + r.substr(4, 3) + r.substr(8, 2);
  for (size_t i = 0; i < payload.size(); ++i) {
    for (size_t j = i + 1; j < payload.size(); ++j) {
      if (payload[i] == payload[j]) continue;
      std::string s = payload;
      std::swap(s[i], s[j]);
      EXPECT_FALSE(receipt_number_valid(s + r[10])) << s;
    }
  }
  EXPECT_FALSE(receipt_number_valid("ABC-DEF"));
  EXPECT_FALSE(receipt_number_valid("ABC-DEF-GH0"));
}

TEST(Receipt, RejectsOutOfDomain) {
  EXPECT_NO_THROW(receipt_number(kReceiptDomain - 1, "x"));
  EXPECT_THROW(receipt_number(kReceiptDomain, "x"), std::out_of_range);
}
