// Issue 9 (web residents): date examples from today, no 受付番号 for surveys, no starting over
// in the middle of a correction.
#include <gtest/gtest.h>

#include "conversation/date_parse.h"
#include "conversation/receipt.h"
#include "support.h"

using namespace mg::conversation;
using namespace mg::conversation::testing;
using mg::Json;

namespace {

ServiceDefinition dated() {
  return must_load(service({{{"id", "d"}, {"kind", "date"}, {"text", "いつですか？"}},
                            {{"id", "s"}, {"kind", "submit"}}}));
}

Json survey_json(bool with_kind) {
  Json j = service({{{"id", "q"},
                     {"kind", "choice"},
                     {"text", "満足ですか？"},
                     {"choices", Json::array({{{"value", "y"}, {"label", "はい"}},
                                              {{"value", "n"}, {"label", "いいえ"}}})}},
                    {{"id", "s"}, {"kind", "submit"}}});
  if (with_kind) j["kind"] = "survey";
  return j;
}

}  // namespace

TEST(DateExamples, ComeFromTodayNotAFixedPastYear) {
  EXPECT_EQ(date_examples("2026-11-30"), "例：令和8年11月30日、2026/11/30");
  EXPECT_EQ(date_examples("2031-01-05"), "例：令和13年1月5日、2031/1/5");
  EXPECT_EQ(date_examples("not a date"), "例：令和8年4月1日、2026/4/1");
}

TEST(DateExamples, HintAndErrorsUseTheSessionsToday) {
  auto def = dated();
  auto r = start(def, today("2026-11-30"));
  ASSERT_EQ(r.prompts[0].type, Prompt::Type::question);
  EXPECT_EQ(r.prompts[0].hint, "例：令和8年11月30日、2026/11/30");
  Dialog d(def, today("2026-11-30"));
  const auto& bad = d.text("あした");
  ASSERT_EQ(bad.prompts[0].type, Prompt::Type::error);
  EXPECT_NE(bad.prompts[0].text.find("令和8年11月30日"), std::string::npos) << bad.prompts[0].text;
  EXPECT_EQ(bad.prompts[0].text.find("令和7年"), std::string::npos) << bad.prompts[0].text;
}

TEST(SurveyReceipt, TheDefinitionSaysWhetherAReceiptIsShown) {
  EXPECT_TRUE(shows_receipt_number(must_load(survey_json(false))));
  EXPECT_FALSE(shows_receipt_number(must_load(survey_json(true))));
  Json app = survey_json(false);
  app["kind"] = "application";
  EXPECT_TRUE(shows_receipt_number(must_load(app)));
  Json bad = survey_json(false);
  bad["kind"] = "poll";
  auto loaded = load_definition(bad);
  EXPECT_FALSE(loaded.definition);
  EXPECT_NE(loaded.issues_json().dump().find("unknown_kind"), std::string::npos);
}

TEST(SurveyReceipt, TheDefaultCompletionOfASurveyNamesNoReceiptNumber) {
  Dialog d(must_load(survey_json(true)), today());
  const auto& done = d.choice("y");
  const Prompt* c = find_prompt(done, Prompt::Type::completion);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->text.find("受付番号"), std::string::npos) << c->text;
  EXPECT_EQ(c->text.find("{{receipt_number}}"), std::string::npos) << c->text;
  // An application still names it.
  Dialog a(must_load(survey_json(false)), today());
  EXPECT_NE(find_prompt(a.choice("y"), Prompt::Type::completion)->text.find("{{receipt_number}}"),
            std::string::npos);
}

TEST(Correction, RestartIsRefusedSoACorrectionCannotBecomeASecondApplication) {
  auto def = survey_json(false);
  def["steps"].insert(def["steps"].begin(),
                      Json{{"id", "name"}, {"kind", "text"}, {"text", "お名前は？"}});
  auto loaded = must_load(def);
  Json answers = Json::array({{{"step_id", "name"}, {"value", "山田"}, {"display", "山田"}},
                              {{"step_id", "q"}, {"value", "y"}, {"display", "はい"}}});
  auto r = start_correction(loaded, answers, {"q"}, "確認してください", today());
  auto r2 = handle(loaded, r.state, Input::of_command("restart"), today());
  EXPECT_EQ(r2.state.current, "q");
  EXPECT_TRUE(r2.state.correcting);
  ASSERT_FALSE(r2.prompts.empty());
  EXPECT_EQ(r2.prompts[0].type, Prompt::Type::error);
  auto r3 = handle(loaded, r2.state, Input::of_choice("n"), today());
  EXPECT_TRUE(find_effect(r3, Effect::Kind::resubmit));
  EXPECT_FALSE(find_effect(r3, Effect::Kind::submit));
}
