// Choice buttons on LINE say the price once, within the 20-unit label (issue 9, item 6).
#include <gtest/gtest.h>

#include "channels/line/renderer.h"
#include "channels/line/text_units.h"

namespace mg::line {
namespace {

Json question(Json choices) {
  return Json::array({Json{{"type", "question"},
                           {"step_id", "s"},
                           {"input", "choice"},
                           {"text", "選んでください。"},
                           {"choices", std::move(choices)}}});
}

std::vector<std::string> labels(const Json& messages) {
  std::vector<std::string> out;
  for (const auto& item : messages.back()["quickReply"]["items"])
    out.push_back(item["action"]["label"].get<std::string>());
  return out;
}

TEST(LineFees, ButtonsCarryThePriceOnce) {
  Json ms = render_prompts(question(Json::array({
      {{"value", "bike"}, {"label", "自転車"}, {"fee", 400}},
      {{"value", "mail"},
       {"label", "郵送（140円）"},
       {"fee", 140},
       {"full_label", "住民登録地へ郵送（郵送料140円）"}},
      {{"value", "counter"}, {"label", "窓口で受け取る"}, {"fee", 0}},
      {{"value", "fridge"}, {"label", "冷蔵庫"}, {"fee", 1500}},
  })));
  auto ls = labels(ms);
  ASSERT_GE(ls.size(), 4u);
  EXPECT_EQ(ls[0], "自転車（400円）");
  EXPECT_EQ(ls[1], "郵送（140円）");  // already names the price
  EXPECT_EQ(ls[2], "窓口で受け取る");
  EXPECT_EQ(ls[3], "冷蔵庫（1,500円）");
  // The resident is shown saying the item, not the price.
  EXPECT_EQ(ms.back()["quickReply"]["items"][0]["action"]["displayText"], "自転車");
  // The full wording listed in the text already names its price: not appended again.
  std::string text = ms.back()["text"].get<std::string>();
  EXPECT_NE(text.find("・住民登録地へ郵送（郵送料140円）"), std::string::npos) << text;
  EXPECT_EQ(text.find("140円）（"), std::string::npos) << text;
}

TEST(LineFees, LongLabelsAreCutNotThePrice) {
  Json ms = render_prompts(question(Json::array({
      {{"value", "heater"}, {"label", "ストーブ（灯油を抜いたもの）と付属品一式"}, {"fee", 400}},
      {{"value", "huge"}, {"label", "とても大きな物"}, {"fee", 1234567890123}},
  })));
  auto ls = labels(ms);
  EXPECT_EQ(ls[0], "ストーブ（灯油を抜いたもの…（400円）");
  EXPECT_EQ(utf16_length(ls[0]), 20u);
  // A price too long to leave room for a word: the label alone, cut.
  EXPECT_EQ(ls[1], "とても大きな物");
  for (const auto& l : ls) EXPECT_LE(utf16_length(l), 20u) << l;
}

}  // namespace
}  // namespace mg::line
