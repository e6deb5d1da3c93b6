// Renders every prompt of every bundled template, walking each with the engine and answering
// like a resident, and checks each LINE message against the schema (line_schema.h).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "channels/line/line_limits.h"
#include "channels/line/outbox.h"
#include "channels/line/renderer.h"
#include "conversation/engine.h"
#include "line_schema.h"
#include "services/catalog.h"

namespace mg::line {
namespace {

namespace fs = std::filesystem;
namespace conv = mg::conversation;
const fs::path kRoot = fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path();

std::string example(const Json& q) {
  std::string text = q.value("hint", "") + "\n" + q.value("text", "");
  auto p = text.find("例：");
  if (p == std::string::npos) return "テスト太郎";
  std::string rest = text.substr(p + std::string("例：").size());
  for (const char* stop : {"\n", "（", "(", "、"})
    if (auto e = rest.find(stop); e != std::string::npos) rest = rest.substr(0, e);
  return rest.empty() ? "テスト太郎" : rest;
}

conv::Input answer_for(const Json& q, int repeat) {
  std::string input = q.value("input", "");
  const Json choices = q.value("choices", Json::array());
  if (input == "multi_choice" && q.value("hint", "").find("選択中") != std::string::npos)
    return conv::Input::of_choice("__done__");
  if (input == "date") {
    conv::Input in;
    in.type = conv::Input::Type::date;
    in.date = q.value("min_date", "2030-01-15");
    return in;
  }
  if (input == "location") {
    conv::Input in;
    in.type = conv::Input::Type::location;
    in.lat = 43.5;
    in.lng = 141.9;
    in.address = "北海道上砂川町";
    return in;
  }
  if (input == "photo") {
    conv::Input in;
    in.type = conv::Input::Type::photo;
    in.attachment_id = 1;
    in.content_type = "image/jpeg";
    in.size = 1000;
    return in;
  }
  // Stuck on a text question the example does not satisfy: skip it when allowed.
  if (!choices.empty() && (input != "text" || repeat > 0))
    return conv::Input::of_choice(choices[repeat % choices.size()]["value"]);
  return conv::Input::of_text(repeat == 0 ? example(q) : "1");
}

TEST(RendererTemplates, EveryPromptOfEveryTemplateIsValidLine) {
  int rendered = 0, templates = 0;
  for (const auto& entry : fs::directory_iterator(kRoot / "templates")) {
    if (entry.path().extension() != ".json") continue;
    ++templates;
    std::ifstream f(entry.path());
    auto def = services::load_or_throw(Json::parse(f));
    conv::Context ctx{"2026-04-01", 1775000000000, nullptr, nullptr, 0};
    auto res = conv::start(def, ctx);
    std::string last_step;
    int repeat = 0;
    bool done = false;
    for (int turn = 0; turn < 120 && !done; ++turn) {
      Json prompts = conv::prompts_to_json(res.prompts);
      Json messages = render_prompts(prompts);
      ASSERT_FALSE(messages.empty()) << entry.path() << " turn " << turn;
      for (const auto& m : messages) {
        auto problems = testing::validate_message(m);
        EXPECT_TRUE(problems.empty())
            << entry.path().filename() << " turn " << turn << ": " << problems.front() << "\n"
            << m.dump();
        ++rendered;
      }
      if (res.done) break;
      const Json* q = nullptr;
      for (const auto& p : prompts)
        if (p.value("type", "") == "question") q = &p;
      if (!q) break;
      if (q->value("input", "") == "multi_choice" && !q->value("choices", Json::array()).empty()) {
        auto tap = render_multi_choice_tap(Json::array({*q}), q->value("step_id", ""),
                                           (*q)["choices"][0].value("value", ""));
        ASSERT_TRUE(tap) << entry.path();
        for (const auto& m : *tap) EXPECT_TRUE(testing::validate_message(m).empty()) << m.dump();
      }
      repeat = q->value("step_id", "") == last_step ? repeat + 1 : 0;
      last_step = q->value("step_id", "");
      res = conv::handle(def, res.state, answer_for(*q, repeat), ctx);
      done = res.done;
    }
    Json messages = render_prompts(conv::prompts_to_json(res.prompts));
    for (const auto& m : messages) EXPECT_TRUE(testing::validate_message(m).empty()) << m.dump();
  }
  EXPECT_GE(templates, 10);
  EXPECT_GT(rendered, 100);
}

TEST(Renderer, LongTextSplitsWithinLimit) {
  std::string long_text;
  for (int i = 0; i < 2100; ++i) long_text += "あい\n";
  Json ms = render_prompts(Json::array({{{"type", "message"}, {"text", long_text}}}));
  ASSERT_GE(ms.size(), 2u);
  for (const auto& m : ms) EXPECT_TRUE(testing::validate_message(m).empty());
}

TEST(Renderer, CompletionShowsReceiptNumber) {
  Json ms = render_prompts(Json::array(
      {{{"type", "completion"}, {"text", "受け付けました。"}, {"receipt_number", "A7K-3F9"}}}));
  EXPECT_NE(ms[0]["text"].get<std::string>().find("A7K-3F9"), std::string::npos);
}

TEST(Renderer, MultiChoiceListsFullLabelsAndTicksTheSelection) {
  Json q{{"type", "question"},
         {"step_id", "items"},
         {"input", "multi_choice"},
         {"text", "品目を選んでください"},
         {"choices",
          {{{"value", "desk"}, {"label", "机"}},
           {{"value", "heater"},
            {"label", "ストーブ"},
            {"full_label", "ストーブ（灯油を抜いたもの）"}},
           {{"value", "__done__"}, {"label", "決定"}}}},
         {"selected", {{{"value", "desk"}, {"label", "机"}}}}};
  Json ms = render_prompts(Json::array({q}));
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_TRUE(testing::validate_message(ms[0]).empty());
  // The engine no longer puts the full labels in the shared text; LINE lists them itself.
  EXPECT_NE(ms[0]["text"].get<std::string>().find("\n・ストーブ（灯油を抜いたもの）"),
            std::string::npos);
  const Json& items = ms[0]["quickReply"]["items"];
  EXPECT_EQ(items[0]["action"]["label"], "✓机");
  EXPECT_EQ(items[0]["action"]["displayText"], "机");
  EXPECT_EQ(items[1]["action"]["label"], "ストーブ");
}

// issue 9: a tap on a multi-choice is answered with one short line and the choices, not the
// whole question again.
Json multi_question(Json selected) {
  return Json{{"type", "question"},
              {"step_id", "items"},
              {"input", "multi_choice"},
              {"text", "出したい品目をすべて選んでください"},
              {"hint", "選び終えたら「決定」を押してください。"},
              {"choices",
               {{{"value", "sofa"}, {"label", "ソファ"}, {"fee", 800}},
                {{"value", "desk"}, {"label", "机"}},
                {{"value", "heater"},
                 {"label", "ストーブ"},
                 {"full_label", "ストーブ（灯油を抜いたもの）"}},
                {{"value", "__next__"}, {"label", "次へ"}},
                {{"value", "__done__"}, {"label", "決定"}}}},
              {"selected", std::move(selected)}};
}

TEST(Renderer, MultiChoiceTapIsAShortAcknowledgement) {
  Json q = multi_question(
      {{{"value", "sofa"}, {"label", "ソファ"}}, {{"value", "desk"}, {"label", "机"}}});
  auto ms = render_multi_choice_tap(Json::array({q}), "items", "sofa");
  ASSERT_TRUE(ms);
  ASSERT_EQ(ms->size(), 1u);
  const Json& m = (*ms)[0];
  EXPECT_TRUE(testing::validate_message(m).empty()) << m.dump();
  EXPECT_EQ(m["text"], "ソファ を追加しました（選択中：ソファ、机）");
  EXPECT_EQ(m["text"].get<std::string>().find("出したい品目"), std::string::npos);
  const Json& items = m["quickReply"]["items"];
  ASSERT_EQ(items.size(), 6u);  // 5 choices + 選び直す
  // The ticked button keeps its fee, as on the question itself.
  EXPECT_EQ(items[0]["action"]["label"], "✓ソファ（800円）");
  EXPECT_EQ(items[0]["action"]["data"], "mg=v&x=sofa&s=items");
  EXPECT_EQ(items[2]["action"]["label"], "ストーブ");
  EXPECT_EQ(items[4]["action"]["label"], "決定");
  EXPECT_EQ(items[5]["action"]["label"], "選び直す");
  EXPECT_EQ(items[5]["action"]["data"], "mg=v&x=__clear__&s=items");

  // Unticking names the full label; an empty selection offers no 選び直す.
  auto off =
      render_multi_choice_tap(Json::array({multi_question(Json::array())}), "items", "heater");
  ASSERT_TRUE(off);
  EXPECT_EQ((*off)[0]["text"], "ストーブ（灯油を抜いたもの） を外しました（選択中：なし）");
  EXPECT_EQ((*off)[0]["quickReply"]["items"].size(), 5u);
  auto page = render_multi_choice_tap(Json::array({q}), "items", "__next__");
  ASSERT_TRUE(page);
  EXPECT_EQ((*page)[0]["text"], "続きの選択肢です（選択中：ソファ、机）");
}

TEST(Renderer, MultiChoiceTapFallsBackToTheFullQuestion) {
  Json q = multi_question(Json::array());
  // Another step, an error before the question, or no step: the full rendering is needed.
  EXPECT_FALSE(render_multi_choice_tap(Json::array({q}), "other", "sofa"));
  EXPECT_FALSE(render_multi_choice_tap(
      Json::array({{{"type", "error"}, {"text", "選択肢の中から選んでください。"}}, q}), "items",
      "sofa"));
  EXPECT_FALSE(render_multi_choice_tap(Json::array({q}), "", "sofa"));
  EXPECT_FALSE(render_multi_choice_tap(Json("x"), "items", "sofa"));
  // The full question's multi-choice buttons carry the step, so their taps come back short.
  Json full = render_prompts(Json::array({q}));
  EXPECT_EQ(full[0]["quickReply"]["items"][0]["action"]["data"], "mg=v&x=sofa&s=items");
}

TEST(Renderer, ValidatorCatchesBrokenMessages) {
  Json action{{"type", "postback"}, {"label", std::string(30, 'a')}, {"data", "x"}};
  Json item{{"type", "action"}, {"action", action}};
  Json bad{{"type", "text"}, {"text", ""}};
  bad["quickReply"]["items"] = Json::array({item});
  EXPECT_GE(testing::validate_message(bad).size(), 2u);
}

}  // namespace
}  // namespace mg::line
