// People's names masked by MeCab's part of speech before a generative answer.
#include <gtest/gtest.h>

#include "faq/personal_mask.h"
#include "faq/text.h"

namespace mg::faq {
namespace {

std::string mask(std::string_view s) {
  const Analyzer& a = Analyzer::shared();
  EXPECT_TRUE(a.has_dictionary()) << "mecab-ipadic-utf8 is needed (./setup installs it)";
  return mask_personal(normalize(s), a);
}

TEST(MaskNames, FamilyAndGivenNamesAreOnePlaceholder) {
  EXPECT_EQ(mask("山田太郎の住民票を取りたい"), "[氏名]の住民票を取りたい");
  EXPECT_EQ(mask("鈴木花子です。転入の手続きは"), "[氏名]です。転入の手続きは");
  EXPECT_EQ(mask("佐藤 一郎 と申します"), "[氏名] と申します");
  EXPECT_EQ(mask("高橋が代理で申請します"), "[氏名]が代理で申請します");
  EXPECT_EQ(mask("中村美咲の児童手当"), "[氏名]の児童手当");
  EXPECT_EQ(mask("母の小林和子が入院しました"), "母の[氏名]が入院しました");
}

TEST(MaskNames, HonorificsMaskTheNameBeforeThem) {
  EXPECT_EQ(mask("田中さんに聞きました"), "[氏名]さんに聞きました");
  EXPECT_EQ(mask("渡辺様宛ての通知"), "[氏名]様宛ての通知");
  // Names the dictionary does not know are still caught by the honorific.
  EXPECT_EQ(mask("ジョンさんの在留カード"), "[氏名]さんの在留カード");
  EXPECT_EQ(mask("伊集院さんの件"), "[氏名]さんの件");
  EXPECT_EQ(mask("加藤くんとゆうこちゃん"), "[氏名]くんと[氏名]ちゃん");
}

TEST(MaskNames, RolesBeforeHonorificsStay) {
  EXPECT_EQ(mask("担当者様に伝えてください"), "担当者様に伝えてください");
  EXPECT_EQ(mask("お客様の手続き"), "お客様の手続き");
  EXPECT_EQ(mask("皆さんへのお知らせ"), "皆さんへのお知らせ");
}

TEST(MaskNames, QuestionsWithoutNamesAreUnchanged) {
  for (const char* q : {"粗大ごみの出し方と料金", "住民票の写しの取り方",
                        "児童手当の申請はいつまで", "マイナンバーカードの更新", "冷蔵庫を捨てたい"})
    EXPECT_EQ(mask(q), normalize(q)) << q;
}

TEST(MaskNames, TogetherWithThePatterns) {
  EXPECT_EQ(mask("山田太郎さん 090-1234-5678 本町2丁目3番4号"), "[氏名]さん [電話番号] 本町[住所]");
  // Masking again changes nothing.
  std::string once = mask("鈴木花子様 taro@example.jp");
  EXPECT_EQ(once, "[氏名]様 [メール]");
  EXPECT_EQ(mask(once), once);
}

}  // namespace
}  // namespace mg::faq
