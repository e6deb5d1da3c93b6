// Effects that can fail: the host reports an outcome per effect, and a failed one re-asks a
// step instead of completing (engine.h: apply_effects).
#include <gtest/gtest.h>

#include "support.h"

namespace mg::conversation {
namespace {

using testing::Dialog;
using testing::find_prompt;
using testing::must_load;
using testing::service;
using testing::today;

// Fails the effects of one kind with a fixed outcome; records what it was asked to apply.
class TestHost final : public EffectApplier {
 public:
  std::optional<Effect::Kind> fail;
  EffectOutcome outcome;
  std::vector<Effect::Kind> applied;

  EffectOutcome apply(const Effect& e) override {
    applied.push_back(e.kind);
    if (fail && e.kind == *fail) return outcome;
    return EffectOutcome::success();
  }
};

Json paid_service() {
  return service(Json::array(
      {{{"id", "name"}, {"kind", "text"}, {"text", "お名前"}},
       {{"id", "payment"},
        {"kind", "choice"},
        {"text", "お支払い方法"},
        {"choices",
         {{{"value", "card"}, {"label", "カード"}}, {{"value", "cash"}, {"label", "窓口"}}}}},
       {{"id", "confirm"}, {"kind", "confirm"}},
       {{"id", "submit"}, {"kind", "submit"}}}));
}

TEST(EffectOutcome, DeclinedPaymentReasksThePaymentStepAndReturnsToTheSummary) {
  ServiceDefinition def = must_load(paid_service());
  Dialog d(def, today());
  d.text("山田太郎");
  d.choice("card");
  ASSERT_EQ(d.step(), "confirm");
  SessionState before = d.last().state;
  StepResult turn = handle(def, before, Input::of_choice("confirm"), today());
  ASSERT_TRUE(turn.done);

  TestHost host;
  host.fail = Effect::Kind::submit;
  host.outcome = EffectOutcome::failed("カードの決済ができませんでした。別の方法を選んでください。",
                                       "payment");
  StepResult r = apply_effects(def, before, turn, host, today());
  EXPECT_FALSE(r.done);
  EXPECT_FALSE(r.state.completed);
  EXPECT_EQ(r.state.current, "payment");
  EXPECT_EQ(r.state.answers.count("payment"), 0u);
  EXPECT_EQ(r.state.answers.count("name"), 1u);
  ASSERT_GE(r.prompts.size(), 2u);
  EXPECT_EQ(r.prompts[0].type, Prompt::Type::error);
  EXPECT_EQ(r.prompts[0].text, "カードの決済ができませんでした。別の方法を選んでください。");
  EXPECT_EQ(r.prompts[1].step_id, "payment");
  EXPECT_EQ(find_prompt(r, Prompt::Type::completion), nullptr);
  EXPECT_TRUE(r.effects.empty());  // nothing was applied before the failure

  // Choosing again goes back to the summary, and sending then completes.
  StepResult again = handle(def, r.state, Input::of_choice("cash"), today());
  EXPECT_EQ(again.state.current, "confirm");
  StepResult sent = handle(def, again.state, Input::of_choice("confirm"), today());
  TestHost ok;
  StepResult done = apply_effects(def, again.state, sent, ok, today());
  EXPECT_TRUE(done.done);
  EXPECT_TRUE(done.state.completed);
  ASSERT_EQ(ok.applied.size(), 1u);
  EXPECT_EQ(done.effects.at(0).answers.at(1).at("value"), "cash");
}

TEST(EffectOutcome, FailureWithoutAQuestionShowsTheReasonAndAsksTheSameStepAgain) {
  ServiceDefinition def = must_load(paid_service());
  Dialog d(def, today());
  d.text("山田太郎");
  d.choice("cash");
  SessionState before = d.last().state;
  StepResult turn = handle(def, before, Input::of_choice("confirm"), today());
  TestHost host;
  host.fail = Effect::Kind::submit;
  host.outcome =
      EffectOutcome::failed("受付を一時停止しています。");  // the submit step: no question
  StepResult r = apply_effects(def, before, turn, host, today());
  EXPECT_FALSE(r.done);
  EXPECT_EQ(r.state.current, "confirm");
  EXPECT_EQ(r.state.answers.size(), 2u);
  ASSERT_NE(find_prompt(r, Prompt::Type::error), nullptr);
  EXPECT_EQ(find_prompt(r, Prompt::Type::error)->text, "受付を一時停止しています。");
  EXPECT_NE(find_prompt(r, Prompt::Type::summary), nullptr);
}

TEST(EffectOutcome, EffectsAfterAFailureAreNotApplied) {
  ServiceDefinition def = must_load(service(Json::array(
      {{{"id", "q"}, {"kind", "rating"}, {"text", "満足度"}}, {{"id", "s"}, {"kind", "submit"}}})));
  StepResult first = start(def, today());
  StepResult turn = handle(def, first.state, Input::of_choice("5"), today());
  ASSERT_EQ(turn.effects.size(), 2u);  // rating, then submit
  TestHost host;
  host.fail = Effect::Kind::rating;
  host.outcome = EffectOutcome::failed("記録できませんでした。");
  StepResult r = apply_effects(def, first.state, turn, host, today());
  EXPECT_EQ(host.applied, std::vector<Effect::Kind>{Effect::Kind::rating});
  EXPECT_EQ(r.state.current, "q");
  EXPECT_FALSE(r.done);
  EXPECT_TRUE(r.effects.empty());
}

TEST(EffectOutcome, AllAppliedLeavesTheTurnAsItWas) {
  ServiceDefinition def = must_load(paid_service());
  Dialog d(def, today());
  d.text("山田太郎");
  d.choice("cash");
  StepResult turn = handle(def, d.last().state, Input::of_choice("confirm"), today());
  TestHost host;
  StepResult r = apply_effects(def, d.last().state, turn, host, today());
  EXPECT_EQ(r.to_json(), turn.to_json());
  EXPECT_EQ(host.applied, std::vector<Effect::Kind>{Effect::Kind::submit});
}

}  // namespace
}  // namespace mg::conversation
