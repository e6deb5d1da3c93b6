// 受信設定 on LINE (receiving_settings.h): every question is a valid LINE message with at most
// 13 quick replies, options are paged, and option buttons carry a token, not the value.
#include "channels/line/receiving_settings.h"

#include <gtest/gtest.h>

#include "line_schema.h"

namespace mg::line {
namespace {

using residents::AttributeDefinition;
using residents::AttributeType;
using residents::AttributeValue;

AttributeDefinition choice(std::size_t n, bool multiple) {
  AttributeDefinition d;
  d.key = "garbage_area";
  d.label = "ごみ収集地区";
  d.type = AttributeType::choice;
  d.multiple = multiple;
  // Long Japanese values: as data they would pass LINE's 300-unit postback limit.
  for (std::size_t i = 0; i < n; ++i)
    d.options.push_back({std::string(30, 'x') + "大字" + std::to_string(i) + "番地の一部を含む地域",
                         "地区" + std::to_string(i)});
  return d;
}

std::vector<Json> actions(const Json& messages) {
  std::vector<Json> out;
  for (const auto& it : messages.back()["quickReply"]["items"]) out.push_back(it["action"]);
  return out;
}

TEST(ReceivingSettings, PagesOptionsWithinThirteenQuickReplies) {
  for (bool multiple : {false, true}) {
    auto d = choice(30, multiple);
    std::vector<AttributeValue> current{{d.key, d.options[10].value, std::nullopt, std::nullopt}};
    for (int page = 0; page < 4; ++page) {
      Json ms = settings_question(d, current, 1, 6, page, "");
      for (const auto& m : ms) EXPECT_TRUE(testing::validate_message(m).empty()) << m.dump();
      auto acts = actions(ms);
      EXPECT_LE(acts.size(), 13u);
      for (const auto& a : acts) {
        auto pb = decode_postback(a["data"].get<std::string>());
        ASSERT_TRUE(pb);
        EXPECT_EQ(pb->kind, Postback::Kind::setting);
        EXPECT_EQ(pb->step, d.key);
      }
    }
    // Page 2 (index 1) holds option 10, ticked; the last page has no "ほかの選択肢".
    auto second = actions(settings_question(d, current, 1, 6, 1, ""));
    bool ticked = false;
    for (const auto& a : second) ticked = ticked || a["label"] == "✓ 地区10";
    EXPECT_TRUE(ticked);
    auto last = actions(settings_question(d, current, 1, 6, 99, ""));
    for (const auto& a : last) EXPECT_NE(a["label"], "ほかの選択肢");
  }
}

TEST(ReceivingSettings, OptionTokensChangeWithTheOptionValue) {
  auto d = choice(3, false);
  auto before = option_token(d, 1);
  EXPECT_LT(before.size(), 20u);
  std::swap(d.options[0], d.options[1]);
  // A reordered list refuses the old button: no option has its token any more.
  for (std::size_t i = 0; i < d.options.size(); ++i) EXPECT_NE(option_token(d, i), before);
}

TEST(ReceivingSettings, DatesUseTheDatePickerAndTextIsLeftToTheWeb) {
  AttributeDefinition d;
  d.key = "due_date";
  d.label = "出産予定日";
  d.resident_label = "出産予定日（わかれば）";
  d.type = AttributeType::date;
  Json ms = settings_question(d, {}, 4, 6, 0, "");
  EXPECT_NE(ms.back()["text"].get<std::string>().find("【5/6】出産予定日（わかれば）"),
            std::string::npos);
  auto acts = actions(ms);
  ASSERT_FALSE(acts.empty());
  EXPECT_EQ(acts[0]["type"], "datetimepicker");
  EXPECT_EQ(acts[0]["mode"], "date");
  EXPECT_TRUE(asked_on_line(d));
  d.type = AttributeType::text;
  EXPECT_FALSE(asked_on_line(d));
  EXPECT_TRUE(is_settings_word("受信設定"));
  EXPECT_FALSE(is_settings_word("受信"));
}

}  // namespace
}  // namespace mg::line
