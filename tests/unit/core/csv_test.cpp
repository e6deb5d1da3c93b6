#include "core/csv.h"

#include <gtest/gtest.h>

namespace mg::csv {
namespace {

TEST(Csv, QuotesDoubledQuotesLineBreaksAndLineNumbers) {
  auto r = read(
      "\xEF\xBB\xBF"
      "a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\n\n\"two\nlines\",z\nlast,");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].fields, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r[1].fields, (std::vector<std::string>{"x,1", "say \"hi\""}));
  EXPECT_EQ(r[1].line, 2u);
  EXPECT_EQ(r[2].fields, (std::vector<std::string>{"two\nlines", "z"}));
  EXPECT_EQ(r[2].line, 4u);  // the blank line 3 is skipped
  EXPECT_EQ(r[3].line, 6u);
  EXPECT_EQ(r[3].fields, (std::vector<std::string>{"last", ""}));
}

TEST(Csv, UnclosedQuoteNamesTheLineWhereTheRecordStarts) {
  try {
    read("a\nb\n\"open,\nnever closed\n");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.line, 3u);
    EXPECT_NE(std::string(e.what()).find("3 行目"), std::string::npos);
  }
}

TEST(Csv, LimitsAreEnforced) {
  EXPECT_THROW(read("a,b,c\n", {.max_records = 10, .max_fields = 2, .max_field_bytes = 10}), Error);
  EXPECT_THROW(read("a\nb\nc\n", {.max_records = 2, .max_fields = 5, .max_field_bytes = 10}),
               Error);
  EXPECT_THROW(read("abcdefghijk\n", {.max_records = 2, .max_fields = 5, .max_field_bytes = 10}),
               Error);
  EXPECT_EQ(read("abcdefghij\n", {.max_records = 2, .max_fields = 5, .max_field_bytes = 10}).size(),
            1u);
  EXPECT_TRUE(read("").empty());
  EXPECT_TRUE(read("\r\n\n").empty());
}

}  // namespace
}  // namespace mg::csv

TEST(Csv, FieldQuotesAndNeutralisesFormulas) {
  EXPECT_EQ(mg::csv::field("山田"), "山田");
  EXPECT_EQ(mg::csv::field("a,b"), "\"a,b\"");
  EXPECT_EQ(mg::csv::field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(mg::csv::field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(mg::csv::field("+81"), "'+81");
  EXPECT_EQ(mg::csv::field("-1"), "'-1");
  EXPECT_EQ(mg::csv::field("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(mg::csv::field("\xE3\x80\x80=1"), "'\xE3\x80\x80=1");
  EXPECT_EQ(mg::csv::field("\tx"), "'\tx");
  EXPECT_EQ(mg::csv::field("090-1234"), "090-1234");
  // A field with a line break is quoted and read back whole.
  auto back = mg::csv::read(mg::csv::field("a\nb") + ",x\n");
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].fields[0], "a\nb");
}
