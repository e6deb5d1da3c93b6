// The lookup-list CSV parser (PUT /api/lookups/{name}); tests/fuzz/lookup_csv_fuzz.cpp fuzzes it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "applications/lookup_lists.h"
#include "core/errors.h"

using mg::ApiError;
using mg::Json;
using mg::applications::parse_lookup_csv;

namespace {
std::vector<Json> rows(const std::string& csv) {
  std::vector<Json> out;
  for (const auto& r : parse_lookup_csv(csv)) out.push_back(Json::parse(r));
  return out;
}

// The ApiError the CSV raises, or a failure naming what was thrown instead.
ApiError rejection(const std::string& csv) {
  try {
    parse_lookup_csv(csv);
  } catch (const ApiError& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not an ApiError: " << e.what();
  }
  ADD_FAILURE() << "accepted";
  return ApiError::bad_request("");
}
}  // namespace

TEST(LookupCsv, ParsesQuotedFieldsBomAndCrlf) {
  auto r =
      rows("\xEF\xBB\xBF通知番号,氏名\r\n12345678,\"山田, \"\"太郎\"\"\"\r\n\r\n87654321,花子");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0], (Json{{"通知番号", "12345678"}, {"氏名", "山田, \"太郎\""}}));
  EXPECT_EQ(r[1], (Json{{"通知番号", "87654321"}, {"氏名", "花子"}}));
}

TEST(LookupCsv, HeaderIsNormalised) {
  EXPECT_EQ(rows("ＮＯ\n１\n")[0], (Json{{"NO", "１"}}));  // values stay as typed
}

TEST(LookupCsv, MalformedCsvIs400NamingTheLine) {
  ApiError e = rejection("a,b\n1,2\n3\n");
  EXPECT_EQ(e.status(), 400);
  EXPECT_NE(std::string(e.what()).find("3 行目"), std::string::npos);
  EXPECT_EQ(rejection("a\n\"open").status(), 400);
  EXPECT_EQ(rejection("").status(), 400);
}

// Excel in Japan saves "CSV (コンマ区切り)" as Shift_JIS: it is read, not refused.
TEST(LookupCsv, ShiftJisFromExcelIsDecoded) {
  const std::string sjis =
      "\x8e\x81\x96\xbc,\x94\xd4\x8d\x86\r\n\x8eR\x93\x63,1\r\n";  // 氏名,番号 / 山田,1
  auto t = mg::applications::read_lookup_csv(sjis);
  EXPECT_EQ(t.encoding, "Shift_JIS");
  EXPECT_EQ(t.columns, (std::vector<std::string>{"氏名", "番号"}));
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"山田", "1"}));
  EXPECT_EQ(mg::applications::read_lookup_csv("\xEF\xBB\xBF"
                                              "a\n1\n")
                .encoding,
            "UTF-8（BOM 付き）");
  EXPECT_EQ(mg::applications::read_lookup_csv("a\n1\n").encoding, "UTF-8");
}

// Found by fuzzing: a byte that is neither UTF-8 nor Shift_JIS made the JSON serialiser throw
// (HTTP 500); now it is a 400 that says how to save the file.
TEST(LookupCsv, UnreadableEncodingIs400WithAHint) {
  ApiError e = rejection("d\n\ni2\n\x8b\n");  // the fuzzer's reproducer: a lone lead byte
  EXPECT_EQ(e.status(), 400);
  EXPECT_EQ(e.field(), "csv");
  EXPECT_NE(std::string(e.what()).find("CSV UTF-8"), std::string::npos);
  ApiError u16 =
      rejection(std::string("\xFF\xFE"
                            "a\0,\0b\0",
                            8));  // Excel's "Unicode text"
  EXPECT_NE(std::string(u16.what()).find("UTF-16"), std::string::npos);
  EXPECT_EQ(rejection(std::string("a\n\0\n", 4)).status(), 400);  // binary
  EXPECT_EQ(rejection("\xEF\xBB\xBF\x8b"
                      "\n")
                .status(),
            400);  // BOM, then not UTF-8
}

TEST(LookupCsv, BoundsAndHeaderErrorsNameRowAndColumn) {
  mg::applications::LookupLimits small;
  small.max_rows = 2;
  small.max_columns = 2;
  small.max_field_bytes = 5;
  auto reject = [&](const std::string& csv) {
    try {
      mg::applications::read_lookup_csv(csv, small);
    } catch (const ApiError& e) {
      EXPECT_EQ(e.status(), 400);
      return std::string(e.what());
    }
    ADD_FAILURE() << "accepted: " << csv;
    return std::string();
  };
  EXPECT_NE(reject("a\n1\n2\n3\n").find("行が多すぎます"), std::string::npos);
  EXPECT_NE(reject("a,b,c\n1,2,3\n").find("列が多すぎます"), std::string::npos);
  EXPECT_NE(reject("a,\n1,2\n").find("2 列目の見出し"), std::string::npos);
  EXPECT_NE(reject("a,a\n1,2\n").find("2 回"), std::string::npos);
  EXPECT_NE(reject("a\n123456\n").find("2 行目"), std::string::npos);
  EXPECT_NE(reject("a,b\n1,2\n3\n").find("3 行目"), std::string::npos);
  // Trailing blank lines are not rows.
  EXPECT_EQ(mg::applications::read_lookup_csv("a\n1\n2\n\n\n", small).rows.size(), 2u);
}
