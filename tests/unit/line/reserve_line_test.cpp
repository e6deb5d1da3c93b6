// The `reserve` step on LINE: the day question carries the date picker next to the days with
// room, the slot question at most 13 quick replies, every message valid for the Messaging API.
#include <gtest/gtest.h>

#include "channels/line/renderer.h"
#include "conversation/engine.h"
#include "conversation/validation.h"
#include "line_schema.h"

namespace mg::conversation {
namespace {

class ManySlots final : public SlotProvider {
 public:
  std::vector<BookableResource> resources() const override {
    return {{"7", "市民体育館", "", 30, 1, 0, {}}};
  }
  std::vector<std::string> open_days(const std::string&, const std::string&, int,
                                     int) const override {
    std::vector<std::string> out;
    for (int d = 1; d <= 30; ++d)
      out.push_back("2025-06-" + std::string(d < 10 ? "0" : "") + std::to_string(d));
    return out;
  }
  std::vector<Slot> available(const std::string&, const std::string& date) const override {
    std::vector<Slot> out;
    for (int m = 9 * 60; m < 21 * 60; m += 30)  // 24 half-hour slots
      out.push_back({date + "T" + (m < 600 ? "0" : "") + std::to_string(m / 60) + ":" +
                         (m % 60 ? "30" : "00"),
                     std::to_string(m / 60) + ":" + (m % 60 ? "30" : "00"), "", 30, ""});
    return out;
  }
};

Json quick_replies(const std::vector<Prompt>& prompts) {
  Json messages = line::render_prompts(prompts_to_json(prompts));
  for (const auto& m : messages)
    EXPECT_TRUE(line::testing::validate_message(m).empty()) << m.dump();
  return messages.back()["quickReply"]["items"];
}

TEST(ReserveOnLine, DayPickerAndAtMost13SlotRepliesPerMessage) {
  Json def_json{{"format", "madoguchi.service/1"},
                {"service_key", "gym"},
                {"title", "体育館の予約"},
                {"steps", Json::array({{{"id", "r"}, {"kind", "reserve"}, {"text", "予約"}},
                                       {{"id", "c"}, {"kind", "confirm"}},
                                       {{"id", "s"}, {"kind", "submit"}}})}};
  ServiceDefinition def = *load_definition(def_json).definition;
  ManySlots slots;
  Context ctx;
  ctx.today = "2025-06-01";
  ctx.slots = &slots;
  StepResult r = start(def, ctx);
  Json items = quick_replies(r.prompts);
  ASSERT_LE(items.size(), 13u);
  EXPECT_EQ(items[0]["action"]["type"], "datetimepicker");
  EXPECT_EQ(items[0]["action"]["min"], "2025-06-01");
  EXPECT_EQ(items[0]["action"]["max"], "2025-06-30");
  EXPECT_EQ(items[1]["action"]["label"], "6月1日(日)");
  // 30 days: paged, 次へ kept (the picker, 10 days, 次へ and 戻る fill the 13).
  EXPECT_EQ(items.size(), 13u);
  EXPECT_EQ(items[11]["action"]["label"], "次へ");

  // The picker's answer is a date input.
  Input picked;
  picked.type = Input::Type::date;
  picked.date = "2025-06-15";
  r = handle(def, r.state, picked, ctx);
  items = quick_replies(r.prompts);
  EXPECT_EQ(items.size(), 13u);  // 10 slots, 次へ, 別の日にする ... and no room for more
  int slot_buttons = 0;
  for (const auto& i : items)
    if (i["action"].value("label", "").find("〜") != std::string::npos) ++slot_buttons;
  EXPECT_EQ(slot_buttons, 10);
  // Page two still fits.
  r = handle(def, r.state, Input::of_choice(kNextPage), ctx);
  EXPECT_LE(quick_replies(r.prompts).size(), 13u);
}

}  // namespace
}  // namespace mg::conversation
