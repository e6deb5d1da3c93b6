#include "faq/generative.h"

#include <gtest/gtest.h>

namespace mg::faq {
namespace {

TEST(MaskPersonal, EmailAddresses) {
  EXPECT_EQ(mask_personal("連絡先は taro.yamada+x@example.co.jp です"), "連絡先は [メール] です");
  EXPECT_EQ(mask_personal("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐに"), "[メール]に");
  // Not an address: no domain dot.
  EXPECT_EQ(mask_personal("a@b"), "a@b");
}

TEST(MaskPersonal, PhoneNumbers) {
  EXPECT_EQ(mask_personal("電話は03-1234-5678です"), "電話は[電話番号]です");
  EXPECT_EQ(mask_personal("090 1234 5678"), "[電話番号]");
  EXPECT_EQ(mask_personal("09012345678に"), "[電話番号]に");
  EXPECT_EQ(mask_personal("０９０－１２３４－５６７８"), "[電話番号]");
  EXPECT_EQ(mask_personal("0120ー123ー456"), "[電話番号]");
}

TEST(MaskPersonal, PostalCodes) {
  EXPECT_EQ(mask_personal("〒100-0001 千代田区"), "〒[郵便番号] 千代田区");
  EXPECT_EQ(mask_personal("〒1000001"), "〒[郵便番号]");
  EXPECT_EQ(mask_personal("郵便番号は１００－０００１"), "郵便番号は[郵便番号]");
  // Two numbers side by side are two things, not one spaced chain.
  EXPECT_EQ(mask_personal("〒100-0001 123456789012"), "〒[郵便番号] [個人番号]");
}

TEST(MaskPersonal, MyNumberLike) {
  EXPECT_EQ(mask_personal("番号123456789012を"), "番号[個人番号]を");
  EXPECT_EQ(mask_personal("1234 5678 9012"), "[個人番号]");
  EXPECT_EQ(mask_personal("１２３４５６７８９０１２"), "[個人番号]");
}

TEST(MaskPersonal, BlockAndLotAddresses) {
  EXPECT_EQ(mask_personal("本町2丁目3番4号に住んでいます"), "本町[住所]に住んでいます");
  EXPECT_EQ(mask_personal("本町三丁目5-6"), "本町[住所]");
  EXPECT_EQ(mask_personal("大字北12番地の3"), "大字北[住所]");
  EXPECT_EQ(mask_personal("栄町１－２－３の家"), "栄町[住所]の家");
  EXPECT_EQ(mask_personal("２丁目１０番１５号"), "[住所]");
}

TEST(MaskPersonal, KeepsOrdinaryNumbers) {
  for (const char* s : {"2024年4月1日から", "粗大ごみは1個300円", "1番窓口", "第5号様式",
                        "電話番号を教えて", "午後5時15分まで", "100000円"})
    EXPECT_EQ(mask_personal(s), s) << s;
}

TEST(MaskPersonal, SeveralKindsAndBadBytes) {
  EXPECT_EQ(mask_personal("a@b.jp 03-1111-2222 〒123-4567"), "[メール] [電話番号] 〒[郵便番号]");
  std::string bad = "\xff\xfe 03-1234-5678 \xe3\x81";
  EXPECT_EQ(mask_personal(bad), "\xff\xfe [電話番号] \xe3\x81");
  EXPECT_EQ(mask_personal(""), "");
}

TEST(MaskPersonal, MaskingTwiceChangesNothing) {
  // Found by the fuzz target: a long spaced run must not hide a phone number at its start.
  EXPECT_EQ(mask_personal("012345 6789 123456789012"), "[電話番号] [個人番号]");
  for (const char* s : {"0-0001 0-0001 134567884567", "012345 6789 123456789012",
                        "090-1234 5678@a.jp", "1-2-3-4-5-6 0312345678"}) {
    std::string once = mask_personal(s);
    EXPECT_EQ(mask_personal(once), once) << s;
  }
}

TEST(ChatRequest, OnlySourcesAndQuestionWithRules) {
  std::vector<Source> sources = {{"粗大ごみの出し方", "https://city.example/sodai", "予約制です。"},
                                 {"ごみの分け方", "", "燃えるごみは月曜。"},
                                 {"三つ目", "https://city.example/3", "c"},
                                 {"四つ目", "https://city.example/4", "d"}};
  Json j = chat_request("gpt-x", "[電話番号]から粗大ごみを出したい", sources);
  EXPECT_EQ(j["model"], "gpt-x");
  ASSERT_EQ(j["messages"].size(), 2u);
  EXPECT_EQ(j["messages"][0]["role"], "system");
  std::string sys = j["messages"][0]["content"];
  EXPECT_NE(sys.find("資料"), std::string::npos);
  EXPECT_NE(sys.find("わかりません"), std::string::npos);
  EXPECT_NE(sys.find("[1]"), std::string::npos);
  std::string user = j["messages"][1]["content"];
  EXPECT_NE(user.find("[1] 粗大ごみの出し方\nURL: https://city.example/sodai\n予約制です。"),
            std::string::npos);
  EXPECT_NE(user.find("[2] ごみの分け方\n燃えるごみは月曜。"), std::string::npos);
  EXPECT_NE(user.find("[3] 三つ目"), std::string::npos);
  EXPECT_EQ(user.find("四つ目"), std::string::npos);  // at most kMaxSources
  EXPECT_NE(user.find("質問: [電話番号]から粗大ごみを出したい"), std::string::npos);
  // Long source text is cut.
  Json k = chat_request("", "q", {{"t", "", std::string(5000, 'a')}});
  EXPECT_FALSE(k.contains("model"));
  EXPECT_LT(k["messages"][1]["content"].get<std::string>().size(), kMaxSourceChars + 100);
}

TEST(ChatResponse, AnswersRefusalsAndGarbage) {
  auto g = read_chat_response(
      R"({"choices":[{"message":{"role":"assistant","content":"予約制です [1]"}}],)"
      R"("usage":{"prompt_tokens":120,"completion_tokens":9}})");
  EXPECT_TRUE(g.ok);
  EXPECT_EQ(g.text, "予約制です [1]");
  EXPECT_EQ(g.prompt_tokens, 120);
  EXPECT_EQ(g.completion_tokens, 9);
  EXPECT_EQ(read_chat_response("not json").failure, "malformed");
  EXPECT_EQ(read_chat_response(R"({"choices":[]})").failure, "malformed");
  EXPECT_EQ(read_chat_response(R"({"choices":[{"message":{"content":42}}]})").failure, "malformed");
  EXPECT_EQ(read_chat_response(R"({"choices":[{"message":{"content":"  "}}]})").failure,
            "malformed");
  EXPECT_EQ(
      read_chat_response(R"({"choices":[{"message":{"content":null,"refusal":"no"}}]})").failure,
      "refused");
  EXPECT_EQ(read_chat_response(
                R"({"choices":[{"finish_reason":"content_filter","message":{"content":"x"}}]})")
                .failure,
            "refused");
  EXPECT_EQ(read_chat_response(R"({"choices":[{"message":{"content":"わかりません。"}}]})").failure,
            "unknown");
}

TEST(Generate, UnreachableEndpointFailsFast) {
  LlmSettings llm{"http://127.0.0.1:9", "", "m", 2000};
  auto g = generate(llm, "q", {{"t", "", "x"}});
  EXPECT_FALSE(g.ok);
  EXPECT_EQ(g.status, 0);
  EXPECT_EQ(g.failure, "transport");
}

}  // namespace
}  // namespace mg::faq
