#include <gtest/gtest.h>

#include "conversation/input.h"
#include "conversation/normalize.h"
#include "conversation/prompt.h"

using namespace mg::conversation;
using mg::Json;

TEST(Prompt, JsonShapesMatchTheApiContract) {
  EXPECT_EQ(Prompt::message("こんにちは").to_json(),
            (Json{{"type", "message"}, {"text", "こんにちは"}}));
  EXPECT_EQ(Prompt::error("name", "入力してください").to_json(),
            (Json{{"type", "error"}, {"step_id", "name"}, {"text", "入力してください"}}));
  Prompt q;
  q.type = Prompt::Type::question;
  q.step_id = "plan";
  q.input = "choice";
  q.text = "選んで";
  q.hint = "ヒント";
  q.choices = {{"a", "A", 500}, {"b", "B", std::nullopt}};
  q.page = std::make_pair(0, 2);
  EXPECT_EQ(
      q.to_json(),
      (Json{{"type", "question"},
            {"step_id", "plan"},
            {"input", "choice"},
            {"text", "選んで"},
            {"hint", "ヒント"},
            {"choices",
             {{{"value", "a"}, {"label", "A"}, {"fee", 500}}, {{"value", "b"}, {"label", "B"}}}},
            {"page", {{"index", 0}, {"count", 2}}}}));
  Prompt s;
  s.type = Prompt::Type::summary;
  s.text = "確認";
  s.items = {{"name", "氏名", "山田", true}};
  s.total_fee = 1000;
  EXPECT_EQ(
      s.to_json(),
      (Json{{"type", "summary"},
            {"text", "確認"},
            {"items",
             {{{"step_id", "name"}, {"label", "氏名"}, {"display", "山田"}, {"editable", true}}}},
            {"total_fee", 1000}}));
  Prompt c;
  c.type = Prompt::Type::completion;
  c.text = "受付番号：{{receipt_number}}";
  std::vector<Prompt> ps{c};
  fill_receipt_number(ps, "A7K-3F9-QX2");
  EXPECT_EQ(ps[0].to_json(), (Json{{"type", "completion"},
                                   {"text", "受付番号：A7K-3F9-QX2"},
                                   {"receipt_number", "A7K-3F9-QX2"}}));
}

TEST(Prompt, LongTextIsSplitForLine) {
  Prompt q;
  q.type = Prompt::Type::question;
  q.step_id = "x";
  q.input = "text";
  q.text = std::string(6000, 'a');
  auto out = fit_for_line({q});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].type, Prompt::Type::message);
  EXPECT_EQ(char_count(out[0].text), kMaxTextChars);
  EXPECT_EQ(out[1].type, Prompt::Type::question);  // the question stays last and actionable
  EXPECT_EQ(out[1].text.size(), 1000u);
  std::string jp;
  for (int i = 0; i < 5001; ++i) jp += "あ";
  for (const auto& p : fit_for_line({Prompt::message(jp)}))
    EXPECT_LE(char_count(p.text), kMaxTextChars);
}

TEST(Prompt, AtMostFivePromptsPerTurn) {
  std::vector<Prompt> many;
  for (int i = 0; i < 8; ++i) many.push_back(Prompt::message("お知らせ" + std::to_string(i)));
  Prompt q;
  q.type = Prompt::Type::question;
  q.step_id = "x";
  many.push_back(q);
  auto out = fit_for_line(many);
  EXPECT_LE(out.size(), kMaxPromptsPerTurn);
  EXPECT_EQ(out.back().type, Prompt::Type::question);
  std::string all;
  for (const auto& p : out) all += p.text;
  EXPECT_NE(all.find("お知らせ0"), std::string::npos);  // merged, not dropped
  EXPECT_NE(all.find("お知らせ7"), std::string::npos);
}

TEST(Input, ParsesEveryType) {
  auto ok = [](const Json& j) {
    auto r = parse_input(j);
    EXPECT_TRUE(std::holds_alternative<Input>(r)) << j;
    return std::holds_alternative<Input>(r) ? std::get<Input>(r) : Input{};
  };
  EXPECT_EQ(ok({{"type", "text"}, {"text", "山田"}}).text, "山田");
  EXPECT_EQ(ok({{"type", "choice"}, {"value", "a"}}).value, "a");
  EXPECT_EQ(ok({{"type", "choices"}, {"values", {"a", "b"}}}).values.size(), 2u);
  EXPECT_EQ(ok({{"type", "date"}, {"date", "2025-04-01"}}).date, "2025-04-01");
  auto loc = ok({{"type", "location"}, {"lat", 35.68}, {"lng", 139.76}, {"address", "東京"}});
  EXPECT_DOUBLE_EQ(loc.lat, 35.68);
  EXPECT_EQ(loc.address, "東京");
  EXPECT_EQ(ok({{"type", "photo"}, {"attachment_id", 12}}).attachment_id, 12);
  auto edit = ok({{"type", "command"}, {"command", "edit"}, {"step_id", "name"}});
  EXPECT_EQ(edit.command, "edit");
  EXPECT_EQ(edit.step_id, "name");
  for (const char* c : {"back", "restart", "quit", "help"})
    EXPECT_EQ(ok({{"type", "command"}, {"command", c}}).command, c);
}

TEST(Input, RejectsMalformed) {
  for (Json bad : {Json(nullptr), Json(42), Json{{"text", "x"}}, Json{{"type", 1}},
                   Json{{"type", "text"}, {"text", 5}}, Json{{"type", "choice"}},
                   Json{{"type", "choices"}, {"values", {1, 2}}},
                   Json{{"type", "location"}, {"lat", 91}, {"lng", 0}},
                   Json{{"type", "photo"}, {"attachment_id", "12"}},
                   Json{{"type", "command"}, {"command", "edit"}},
                   Json{{"type", "command"}, {"command", "jump"}}, Json{{"type", "video"}}}) {
    auto r = parse_input(bad);
    ASSERT_TRUE(std::holds_alternative<InputError>(r)) << bad;
    EXPECT_FALSE(std::get<InputError>(r).message.empty());
    EXPECT_FALSE(std::get<InputError>(r).detail.empty());
  }
}

TEST(Input, TypedCommands) {
  EXPECT_EQ(command_from_text("戻る"), "back");
  EXPECT_EQ(command_from_text(" もどる "), "back");
  EXPECT_EQ(command_from_text("ＢＡＣＫ"), "back");
  EXPECT_EQ(command_from_text("最初から"), "restart");
  EXPECT_EQ(command_from_text("やめる"), "quit");
  EXPECT_EQ(command_from_text("ヘルプ"), "help");
  EXPECT_EQ(command_from_text("山田"), std::nullopt);
  EXPECT_EQ(command_from_text("戻るかも"), std::nullopt);
}
