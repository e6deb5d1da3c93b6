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

// Found by fuzzing: a byte that is not UTF-8 made the JSON serialiser throw (HTTP 500). Excel
// in Japan saves Shift_JIS, so this is the common case, not an attack.
TEST(LookupCsv, ShiftJisIs400AskingForUtf8) {
  const std::string sjis =
      "\x8e\x81\x96\xbc,\x94\xd4\x8d\x86\n\x8eR\x93\x63,1\n";  // 氏名,番号 / 山田,1
  ApiError e = rejection(sjis);
  EXPECT_EQ(e.status(), 400);
  EXPECT_EQ(e.field(), "csv");
  EXPECT_NE(std::string(e.what()).find("UTF-8"), std::string::npos);
  EXPECT_EQ(rejection("d\n\ni2\n\x8b\n").status(), 400);    // the fuzzer's reproducer
  EXPECT_EQ(rejection("a\n\xED\xA0\x80\n").status(), 400);  // an encoded surrogate
}
