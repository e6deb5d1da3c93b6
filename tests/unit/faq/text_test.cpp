// Normalisation and tokenisation: kana/kanji, width, long vowels, small kana.
#include <gtest/gtest.h>

#include <algorithm>

#include "faq/text.h"

using namespace mg::faq;

namespace {
bool has(const std::vector<Term>& ts, TermKind k, const std::string& key) {
  return std::any_of(ts.begin(), ts.end(),
                     [&](const Term& t) { return t.kind == k && t.key == key; });
}
std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& t : Analyzer::shared().terms(text))
    if (t.kind != TermKind::bigram) out.push_back(term_label(t));
  return out;
}
}  // namespace

TEST(FaqNormalize, WidthAndCase) {
  EXPECT_EQ(normalize("ＰＣの捨て方"), "pcの捨て方");
  EXPECT_EQ(normalize("ｺﾞﾐ"), "ゴミ");
  EXPECT_EQ(normalize("  住民票　の\t写し \n"), "住民票 の 写し");
  EXPECT_EQ(normalize("１２３ＡＢＣ"), "123abc");
}

TEST(FaqNormalize, ControlCharactersAndLimit) {
  EXPECT_EQ(normalize(std::string("a\x01\x7f"
                                  "b")),
            "ab");
  EXPECT_EQ(normalize("あいうえお", 3), "あいう");
  EXPECT_EQ(normalize(""), "");
  EXPECT_EQ(normalize("\xff\xfe"), "");  // invalid UTF-8 becomes nothing, never a crash
}

TEST(FaqNormalize, ReadingKeyFoldsKanaAndLongVowels) {
  EXPECT_EQ(reading_key("ごみ"), reading_key("ゴミ"));
  EXPECT_EQ(reading_key("コンピューター"), reading_key("コンピュータ"));
  EXPECT_EQ(reading_key("ばってり"), reading_key("バッテリー"));
  // A small kana typed as a large one (きって / きつて) is tolerated.
  EXPECT_EQ(reading_key("きつて"), reading_key("きって"));
  EXPECT_EQ(reading_key("ヴ"), reading_key("ブ"));
}

TEST(FaqTerms, KanaAndKanjiMeetThroughReadings) {
  const auto& a = Analyzer::shared();
  ASSERT_TRUE(a.has_dictionary()) << "mecab-ipadic-utf8 is needed (./setup installs it)";
  auto kanji = a.terms("ゴミの出し方");
  auto kana = a.terms("ごみの出し方");
  EXPECT_TRUE(has(kanji, TermKind::word, "ゴミ"));
  EXPECT_TRUE(has(kana, TermKind::word, "ゴミ"));
  // MeCab splits れいぞうこ into れい/ぞう/こ; its reading bigrams still equal 冷蔵庫's.
  auto hira = a.terms("れいぞうこ");
  auto kan = a.terms("冷蔵庫");
  EXPECT_TRUE(has(kan, TermKind::word, "レイゾウコ"));
  for (const char* bg : {"レイ", "イゾ", "ゾウ", "ウコ"}) {
    EXPECT_TRUE(has(hira, TermKind::bigram, bg)) << bg;
    EXPECT_TRUE(has(kan, TermKind::bigram, bg)) << bg;
  }
}

TEST(FaqTerms, VerbsByDictionaryFormAndParticlesDropped) {
  auto w1 = words("冷蔵庫を捨てたい");
  auto w2 = words("冷蔵庫を捨てます");
  EXPECT_NE(std::find(w1.begin(), w1.end(), "w:捨テル"), w1.end());
  EXPECT_NE(std::find(w2.begin(), w2.end(), "w:捨テル"), w2.end());
  for (const auto& w : w1) EXPECT_NE(w, "w:ヲ");
  // Question fluff says nothing about the topic.
  auto w3 = words("住民票について教えてください");
  for (const auto& w : w3) {
    EXPECT_NE(w, "w:教エル");
    EXPECT_NE(w, "w:クダサル");
  }
}

TEST(FaqTerms, CompoundNouns) {
  auto w = words("住民票の写し");
  // Keys fold small kana (ュ → ユ), as typed typos do.
  EXPECT_NE(std::find(w.begin(), w.end(), "c:" + reading_key("ジュウミンヒョウ")), w.end());
  EXPECT_NE(std::find(w.begin(), w.end(), "w:" + reading_key("ジュウミン")), w.end());
}

TEST(FaqTerms, LongVowelInKatakanaWord) {
  auto a = words("コンピューター");
  auto b = words("コンピュータ");
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(a[0], b[0]);
}

TEST(FaqTerms, EmptyAndSymbolsOnly) {
  EXPECT_TRUE(Analyzer::shared().terms("").empty());
  EXPECT_TRUE(Analyzer::shared().terms("！？。、").empty());
}
