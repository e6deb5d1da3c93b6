#include <gtest/gtest.h>

#include "core/errors.h"
#include "residents/attribute_csv.h"

using namespace mg;
using namespace mg::residents;

namespace {
std::vector<AttributeDefinition> defs() {
  std::vector<AttributeDefinition> d(4);
  d[0].key = "district";
  d[0].label = "地区";
  d[0].type = AttributeType::choice;
  d[0].options = {{"kita", "北地区"}};
  d[1].key = "topics";
  d[1].label = "話題";
  d[1].type = AttributeType::tag;
  d[1].multiple = true;
  d[2].key = "score";
  d[2].label = "点数";
  d[2].type = AttributeType::number;
  d[3].key = "memo";
  d[3].label = "メモ";
  d[3].type = AttributeType::text;
  return d;
}
std::vector<std::vector<std::string>> rows(const std::string& text) {
  CsvReader r(text);
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> row;
  std::size_t line = 0;
  while (r.next(row, line)) out.push_back(row);
  return out;
}
}  // namespace

TEST(AttributeCsv, ReaderQuotesNewlinesAndLines) {
  auto r = rows("a,\"b,\"\"c\"\"\"\r\n\"x\ny\",z\nlast");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0], (std::vector<std::string>{"a", "b,\"c\""}));
  EXPECT_EQ(r[1], (std::vector<std::string>{"x\ny", "z"}));
  EXPECT_EQ(r[2], (std::vector<std::string>{"last"}));
  CsvReader lines("h\n\"a\nb\"\nc\n");
  std::vector<std::string> row;
  std::size_t line = 0;
  lines.next(row, line);
  lines.next(row, line);
  EXPECT_EQ(line, 2u);
  lines.next(row, line);
  EXPECT_EQ(line, 4u);  // the quoted newline counts
  CsvReader open("a\n\"b");
  open.next(row, line);
  open.next(row, line);
  EXPECT_TRUE(open.unclosed());
}

TEST(AttributeCsv, Dates) {
  EXPECT_EQ(normalize_date("2024-02-29"), "2024-02-29");
  EXPECT_EQ(normalize_date("2024/2/9"), "2024-02-09");
  EXPECT_FALSE(normalize_date("2023-02-29"));
  EXPECT_FALSE(normalize_date("2024-2-9"));  // ISO is exact
  EXPECT_FALSE(normalize_date("2024-13-01"));
  EXPECT_FALSE(normalize_date("1700-01-01"));
  EXPECT_FALSE(normalize_date("2024/02-01"));
  EXPECT_FALSE(normalize_date(""));
  EXPECT_FALSE(normalize_date("2024-01-01x"));
}

TEST(AttributeCsv, Values) {
  auto d = defs();
  EXPECT_EQ(*check_value(d[0], "北地区").value->text, "kita");
  EXPECT_NE(check_value(d[0], "南").error.find("選択肢にない"), std::string::npos);
  EXPECT_EQ(*check_value(d[2], "-2.5").value->number, -2.5);
  EXPECT_FALSE(check_value(d[2], "1e999").value);
  EXPECT_FALSE(check_value(d[2], "3 ").value);
  EXPECT_FALSE(check_value(d[2], "nan").value);
  EXPECT_FALSE(check_value(d[3], "a\x01").value);
  EXPECT_FALSE(check_value(d[3], std::string(501, 'x')).value);
}

TEST(AttributeCsv, HeaderAndRows) {
  auto d = defs();
  std::vector<CellError> errors;
  auto h = read_header({"line_user_id", "district", "topics", "score", "memo"}, d, {}, errors);
  ASSERT_TRUE(h) << errors.size();
  CsvRow row;
  std::string u = "U0123456789abcdef0123456789abcdef";
  EXPECT_TRUE(read_row(*h, {u, "kita", "a|b|a", "1", "x|y"}, 2, {}, row, errors));
  EXPECT_EQ(row.values[1].size(), 2u);       // duplicates dropped
  EXPECT_EQ(*row.values[3][0].text, "x|y");  // single-valued text keeps its "|"
  EXPECT_TRUE(read_row(*h, {u, "", "", "", ""}, 3, {}, row, errors));
  EXPECT_TRUE(row.values[0].empty());
  EXPECT_TRUE(read_row(*h, {u, "kita", "'=x", "'-1", "'@a"}, 3, {}, row, errors));
  EXPECT_EQ(*row.values[1][0].text, "=x");
  EXPECT_EQ(*row.values[2][0].number, -1);
  EXPECT_TRUE(errors.empty());

  EXPECT_FALSE(read_row(*h, {"u123", "x", "a||b", "one", ""}, 4, {}, row, errors));
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0].column, "line_user_id");
  EXPECT_EQ(errors[1].column, "district");
  EXPECT_EQ(errors[2].column, "topics");
  EXPECT_EQ(errors[3].column, "score");
  for (const auto& e : errors) EXPECT_EQ(e.row, 4u);
  errors.clear();
  EXPECT_FALSE(read_row(*h, {u, "kita"}, 5, {}, row, errors));
  EXPECT_EQ(errors.at(0).column, "");

  errors.clear();
  AttributeCsvLimits few;
  few.max_values_per_cell = 2;
  EXPECT_FALSE(read_row(*h, {u, "", "a|b|c", "", ""}, 6, few, row, errors));

  errors.clear();
  EXPECT_FALSE(read_header({"id", "district", "nope", "district"}, d, {}, errors));
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[1].column, "nope");
  EXPECT_EQ(errors[2].column, "district");
  errors.clear();
  auto byId = read_header({"resident_id"}, d, {}, errors);
  ASSERT_TRUE(byId);
  EXPECT_TRUE(read_row(*byId, {"42"}, 2, {}, row, errors));
  EXPECT_FALSE(read_row(*byId, {"042"}, 3, {}, row, errors));
  EXPECT_FALSE(read_row(*byId, {"-1"}, 4, {}, row, errors));
}

TEST(AttributeCsv, Encodings) {
  EXPECT_EQ(decode_csv("\xEF\xBB\xBFline_user_id").text, "line_user_id");
  auto sjis = decode_csv("\x92\x6e\x8b\xe6");  // 地区 in CP932
  EXPECT_EQ(sjis.text, "地区");
  EXPECT_EQ(sjis.encoding, "Shift_JIS");
  EXPECT_THROW(decode_csv(std::string("\xFF\xFE\x41\x00", 4)), ApiError);
  EXPECT_THROW(decode_csv(std::string("a\0b", 3)), ApiError);
  EXPECT_THROW(decode_csv("\xEF\xBB\xBF\xFF"), ApiError);
}

TEST(AttributeCsv, ExcelGuardOnExport) {
  EXPECT_EQ(csv_field("=SUM(A1)"), "'=SUM(A1)");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("plain"), "plain");
}
