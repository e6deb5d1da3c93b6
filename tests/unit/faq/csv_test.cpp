// CSV import of the FAQ (自治体標準オープンデータセット「よくある質問」 columns) and export.
#include <gtest/gtest.h>

#include "faq/csv_io.h"

using namespace mg::faq;

TEST(FaqCsv, StandardColumnsAndOurExtras) {
  std::string csv =
      "\xEF\xBB\xBF全国地方公共団体コード,ID,地方公共団体名,分類,質問,回答,所管部署,URL,別の聞き方,"
      "掲載開始日,掲載終了日\r\n"
      "999999,Q1,テスト市,ごみ,粗大ごみの出し方,事前に申し込みます。,環境課,https://example.jp/"
      "sodai,\"大きなごみ\n大型ごみ\",2026/4/1,\r\n";
  auto r = read_csv(csv);
  ASSERT_TRUE(r.problems.empty()) << r.problems[0].message;
  ASSERT_EQ(r.entries.size(), 1u);
  const auto& e = r.entries[0];
  EXPECT_EQ(e.external_id, "Q1");
  EXPECT_EQ(e.question, "粗大ごみの出し方");
  EXPECT_EQ(e.category, "ごみ");
  EXPECT_EQ(e.department, "環境課");
  EXPECT_EQ(e.alternatives, (std::vector<std::string>{"大きなごみ", "大型ごみ"}));
  EXPECT_EQ(e.valid_from, "2026-04-01");
  EXPECT_EQ(r.lines[0], 2u);
}

TEST(FaqCsv, BadRowsReportedWithLineNumbers) {
  std::string csv =
      "質問,回答,URL,掲載開始日\n"
      "住民票の取り方,窓口へ,,\n"
      ",回答だけ,,\n"                       // line 3: no question
      "質問だけ,,,\n"                       // line 4: no answer
      "\"複数行の\n質問\",答え,ftp://x,\n"  // lines 5-6: bad URL, reported at 5
      "日付,答え,,2026-02-30\n"             // line 7: not a date
      "多い,答え,,,余分\n";                 // line 8: too many fields
  auto r = read_csv(csv);
  ASSERT_EQ(r.entries.size(), 1u);
  ASSERT_EQ(r.problems.size(), 5u);
  EXPECT_EQ(r.problems[0].line, 3u);
  EXPECT_EQ(r.problems[0].column, "質問");
  EXPECT_EQ(r.problems[1].line, 4u);
  EXPECT_EQ(r.problems[1].column, "回答");
  EXPECT_EQ(r.problems[2].line, 5u);
  EXPECT_EQ(r.problems[2].column, "URL");
  EXPECT_EQ(r.problems[3].line, 7u);
  EXPECT_EQ(r.problems[3].column, "掲載開始日");
  EXPECT_EQ(r.problems[4].line, 8u);
}

TEST(FaqCsv, HeaderWithoutQuestionOrAnswer) {
  auto r = read_csv("名前,住所\na,b\n");
  EXPECT_TRUE(r.entries.empty());
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].line, 1u);
}

TEST(FaqCsv, UnclosedQuoteAndEmptyAndCp932) {
  auto r = read_csv("質問,回答\n\"開いたまま,x\n");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].line, 2u);
  EXPECT_FALSE(read_csv("").problems.empty());
  // 「質問,回答」 and a row in Shift_JIS.
  std::string sjis = "\x8e\xbf\x96\xe2,\x89\xf1\x93\x9a\n\x82\xa0,\x82\xa2\n";
  auto s = read_csv(sjis);
  ASSERT_TRUE(s.problems.empty());
  ASSERT_EQ(s.entries.size(), 1u);
  EXPECT_EQ(s.entries[0].question, "あ");
}

TEST(FaqCsv, ExportReadsBackAndNeutralisesFormulas) {
  Entry e;
  e.id = 7;
  e.question = "=HYPERLINK(\"x\")";
  e.answer = "答え, \"引用\"\n2行目";
  e.alternatives = {"別1", "別2"};
  e.valid_until = "2027-03-31";
  std::string out = write_csv({e}, "999999", "テスト市");
  EXPECT_NE(out.find("'=HYPERLINK"), std::string::npos);
  auto r = read_csv(out);
  ASSERT_TRUE(r.problems.empty());
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].answer, e.answer);
  EXPECT_EQ(r.entries[0].alternatives, e.alternatives);
  EXPECT_EQ(r.entries[0].external_id, "7");
  EXPECT_EQ(r.entries[0].valid_until, "2027-03-31");
}
