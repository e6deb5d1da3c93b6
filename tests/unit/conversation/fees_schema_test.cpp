// Fee outline of the residents' list, fee wording, and the Prompt schema (issue 9, items 5–6).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "conversation/fees.h"
#include "conversation/question.h"
#include "support.h"

namespace fs = std::filesystem;
using namespace mg::conversation;
using namespace mg::conversation::testing;
using mg::Json;

namespace {
ServiceDefinition bundled(const std::string& key) {
  fs::path root = fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path();
  std::ifstream in(root / "templates" / (key + ".json"));
  std::stringstream ss;
  ss << in.rdbuf();
  return must_load(Json::parse(ss.str()));
}

const Step& step(const ServiceDefinition& d, const std::string& id) {
  const Step* s = d.find(id);
  EXPECT_NE(s, nullptr) << id;
  return *s;
}
}  // namespace

TEST(FeeOutline, ServicesWithFeesPerChoiceOrCopyAreNotFree) {
  // 住民票: no base fee, 300円 a copy (at least 1); delivery by counter is free.
  EXPECT_EQ(fee_outline(bundled("juminhyo")).to_json(), (Json{{"from", 300}, {"varies", true}}));
  // 粗大ごみ: fees only per item; at least one item, the cheapest is 200円.
  EXPECT_EQ(fee_outline(bundled("sodai-gomi")).to_json(), (Json{{"from", 200}, {"varies", true}}));
  // 犬の登録: 3,000円 base, 550円 more for a tag.
  EXPECT_EQ(fee_outline(bundled("inu-toroku")).to_json(), (Json{{"from", 3000}, {"varies", true}}));
  EXPECT_TRUE(fee_outline(bundled("road-damage")).to_json().is_null());
}

TEST(FeeOutline, OnlyStepsOnEveryRouteCountTowardsTheLeastFee) {
  auto def = must_load(service(Json::array({
      {{"id", "how"},
       {"kind", "choice"},
       {"text", "?"},
       {"choices",
        {{{"value", "paper"}, {"label", "紙"}, {"next", "copies"}},
         {{"value", "web"}, {"label", "電子"}, {"next", "confirm"}}}}},
      {{"id", "copies"},
       {"kind", "text"},
       {"format", "number"},
       {"text", "?"},
       {"min", 2},
       {"unit_fee", 300}},
      {{"id", "confirm"}, {"kind", "confirm"}, {"text", "確認"}},
      {{"id", "submit"}, {"kind", "submit"}, {"text", "受付"}},
  })));
  // The electronic route skips the copies: the least is 0, yet the service is not free.
  EXPECT_EQ(fee_outline(def).to_json(), (Json{{"from", 0}, {"varies", true}}));

  auto fixed =
      must_load(service(Json::array({{{"id", "n"}, {"kind", "text"}, {"text", "?"}},
                                     {{"id", "submit"}, {"kind", "submit"}, {"text", "x"}}})));
  fixed.fee = 500;
  EXPECT_EQ(fee_outline(fixed).to_json(), (Json{{"from", 500}, {"varies", false}}));
  auto multi = must_load(service(Json::array({
      {{"id", "items"},
       {"kind", "choice"},
       {"multiple", true},
       {"min_selections", 2},
       {"text", "?"},
       {"choices",
        {{{"value", "a"}, {"label", "A"}, {"fee", 800}},
         {{"value", "b"}, {"label", "B"}, {"fee", 200}},
         {{"value", "c"}, {"label", "C"}, {"fee", 400}}}}},
      {{"id", "submit"}, {"kind", "submit"}, {"text", "x"}},
  })));
  EXPECT_EQ(fee_outline(multi).from, 600);  // the two cheapest
}

TEST(FeeWording, AnAmountTheLabelAlreadyNamesIsNotAppendedAgain) {
  EXPECT_EQ(yen(1500), "1,500円");
  EXPECT_EQ(yen(140), "140円");
  EXPECT_TRUE(mentions_fee("郵送（140円）", 140));
  EXPECT_TRUE(mentions_fee("住民登録地へ郵送（郵送料140円）", 140));
  EXPECT_TRUE(mentions_fee("冷蔵庫 1,500 円", 1500));
  EXPECT_TRUE(mentions_fee("冷蔵庫 1500円", 1500));
  EXPECT_FALSE(mentions_fee("冷蔵庫", 1500));
  EXPECT_FALSE(mentions_fee("郵送（1,140円）", 140));
  EXPECT_FALSE(mentions_fee("郵送（1140円）", 140));
  EXPECT_FALSE(mentions_fee("140個", 140));
}

TEST(PromptFormat, TextQuestionsCarryTheirFormatAndLimits) {
  auto def = bundled("juminhyo");
  SessionState st;
  Json copies = question_for(step(def, "copies"), st, today()).to_json();
  EXPECT_EQ(copies["format"], "number");
  EXPECT_EQ(copies["min"], 1);
  EXPECT_EQ(copies["max"], 10);
  Json phone = question_for(step(def, "phone"), st, today()).to_json();
  EXPECT_EQ(phone["format"], "phone");
  EXPECT_FALSE(phone.contains("max_length"));
  Json kana = question_for(step(def, "kana"), st, today()).to_json();
  EXPECT_EQ(kana["format"], "kana");
  EXPECT_EQ(kana["max_length"], 60);
  Json name = question_for(step(def, "name"), st, today()).to_json();
  EXPECT_FALSE(name.contains("format"));  // free text
  EXPECT_EQ(name["max_length"], 40);
  // The address step asks the postal code first: a numeric keypad.
  Json address = question_for(step(def, "address"), st, today()).to_json();
  EXPECT_EQ(address["format"], "postal_code");
  Json email = question_for(step(bundled("event"), "email"), st, today()).to_json();
  EXPECT_EQ(email["format"], "email");
}

TEST(PromptSchema, EveryFieldAQuestionCanCarryIsDeclared) {
  Json schema = prompt_schema();
  const Json& defs = schema["$defs"];
  for (const auto& [name, def] : defs.items())
    if (def.value("type", "") == "object") {
      EXPECT_EQ(def["additionalProperties"], false) << name;
    }
  // A question with every optional field set: each key must be in the schema.
  Prompt q;
  q.type = Prompt::Type::question;
  q.step_id = "s";
  q.input = "text";
  q.text = "?";
  q.hint = "h";
  q.choices = {PromptChoice{"a", "A", 100, "AAA"}};
  q.selected = {PromptChoice{"a", "A"}};
  q.page = std::make_pair(0, 2);
  q.min_date = q.max_date = "2025-04-01";
  q.format = "number";
  q.min_length = 1;
  q.max_length = 2;
  q.min = 1;
  q.max = 9;
  q.notice = Json{{"text", "利用目的"}, {"declined", false}};
  const Json& props = defs["QuestionPrompt"]["properties"];
  const Json emitted = q.to_json();
  for (const auto& [key, v] : emitted.items()) EXPECT_TRUE(props.contains(key)) << key;
  for (const auto& [key, v] : emitted["choices"][0].items())
    EXPECT_TRUE(defs["Choice"]["properties"].contains(key)) << key;
  // A text step's formats, then the address step's stages (postal code, town, the rest).
  EXPECT_EQ(defs["TextFormat"]["enum"],
            (Json{"kana", "email", "phone", "postal_code", "number", "address_town", "address"}));
  for (const auto& [key, v] : emitted["notice"].items())
    EXPECT_TRUE(defs["PrivacyNotice"]["properties"].contains(key)) << key;
  for (TextFormat f : {TextFormat::kana, TextFormat::email, TextFormat::phone,
                       TextFormat::postal_code, TextFormat::number})
    EXPECT_NE(std::find(defs["TextFormat"]["enum"].begin(), defs["TextFormat"]["enum"].end(),
                        to_string(f)),
              defs["TextFormat"]["enum"].end());
}
