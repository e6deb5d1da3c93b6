// A throw-away step kind added through the registry alone: a reservation slot picked from a
// SlotProvider, its own fields in its own data, a "reserve" effect the host may refuse (slot
// taken meanwhile), and a LINE quick reply of its own. Nothing else in src/ knows it.
#include <gtest/gtest.h>

#include "channels/line/renderer.h"
#include "conversation/engine.h"
#include "conversation/step_kind.h"
#include "conversation/validation.h"
#include "line_schema.h"

namespace mg::conversation {
namespace {

// ---- the kind: {"kind":"slot","resource":"窓口A","date_from":"day"} ----

struct SlotData final : StepData {
  std::string resource;
  std::string date_from;  // the date question whose answer is the day
};

class SlotKind final : public StepKindSpec {
 public:
  const char* name() const override { return "slot"; }
  const char* staff_label() const override { return "予約枠"; }
  bool asks() const override { return true; }

  void parse(const Json&, FieldReader& r, Step& step) const override {
    auto d = std::make_shared<SlotData>();
    d->resource = r.str("resource", true);
    d->date_from = r.str("date_from", true);
    step.data = std::move(d);
  }

  void validate(const Step& step, StepChecks& checks) const override {
    const auto& d = step.data_as<SlotData>();
    const Step* day = checks.definition().find(d.date_from);
    if (!day || day->kind != StepKind::date)
      checks.add("date_from", "unknown_answer", "予約日を聞く日付のステップを指定してください");
  }

  Entry enter(const Step&, StepRuntime&) const override { return Entry::ask(); }

  void ask(const Step& step, const SessionState& state, const Context& ctx,
           Prompt& p) const override {
    p.input = "slot";
    for (const auto& s : free_slots(step, state, ctx))
      p.choices.push_back(PromptChoice{s.id, s.start + "〜" + s.end});
    if (p.choices.empty())
      p.text += "\nこの日は空きがありません。「戻る」で日付を選び直してください。";
  }

  Interpretation interpret(const Step& step, const SessionState& state, const Input& in,
                           const Context& ctx) const override {
    std::string wanted = in.type == Input::Type::choice ? in.value
                         : in.type == Input::Type::text ? in.text
                                                        : "";
    for (const auto& s : free_slots(step, state, ctx))
      if (s.id == wanted || s.start == wanted) return reply::answer(s.id, s.start + "〜" + s.end);
    return reply::error("空いている枠から選んでください。");
  }

  std::string next(const ServiceDefinition& def, const Step& step, const Answers&,
                   const Date&) const override {
    return plain_next(def, step);
  }
  std::vector<std::string> successors(const ServiceDefinition& def,
                                      const Step& step) const override {
    return {plain_next(def, step)};
  }

  // Taking the slot is the host's work, and may fail when someone was quicker.
  void answered(const Step& step, const Answer& answer,
                std::vector<Effect>& effects) const override {
    Effect e;
    e.kind = Effect::Kind::custom;
    e.name = "reserve";
    e.step_id = step.id;
    e.data = {{"resource", step.data_as<SlotData>().resource}, {"slot", answer.value}};
    effects.push_back(e);
  }

 private:
  static std::vector<Slot> free_slots(const Step& step, const SessionState& state,
                                      const Context& ctx) {
    const auto& d = step.data_as<SlotData>();
    auto day = state.answers.find(d.date_from);
    if (!ctx.slots || day == state.answers.end() || !day->second.value.is_string()) return {};
    return ctx.slots->available(d.resource, day->second.value.get<std::string>());
  }
};

// ---- a test provider and a host ----

class TestSlots final : public SlotProvider {
 public:
  std::vector<Slot> available(const std::string& resource, const std::string& date) const override {
    asked.emplace_back(resource, date);
    if (date != "2025-04-10") return {};
    return {{"a0900", "9:00", "9:30", 2, ""}, {"a0930", "9:30", "10:00", 1, ""}};
  }
  mutable std::vector<std::pair<std::string, std::string>> asked;
};

class TakenMeanwhile final : public EffectApplier {
 public:
  int reserve_calls = 0;
  EffectOutcome apply(const Effect& e) override {
    if (e.kind != Effect::Kind::custom || e.name != "reserve") return EffectOutcome::success();
    ++reserve_calls;
    if (e.data.value("slot", "") == "a0900")
      return EffectOutcome::failed(
          "申し訳ありません。その枠は先ほど埋まりました。別の枠を選んでください。");
    return EffectOutcome::success();
  }
};

class PluginKind : public ::testing::Test {
 protected:
  void SetUp() override {
    register_step_kind(kind_);
    line::register_question_actions("slot", [](const Json&) {
      return Json::array({line::quick_reply_item(
          {{"type", "message"}, {"label", "いちばん早い枠"}, {"text", "9:00"}})});
    });
  }
  void TearDown() override { unregister_step_kind("slot"); }

  static Json definition(const std::string& date_from = "day") {
    return Json{{"format", "madoguchi.service/1"},
                {"service_key", "reserve"},
                {"title", "窓口予約"},
                {"steps", Json::array({{{"id", "day"}, {"kind", "date"}, {"text", "ご希望の日"}},
                                       {{"id", "when"},
                                        {"kind", "slot"},
                                        {"text", "ご希望の時間"},
                                        {"resource", "窓口A"},
                                        {"date_from", date_from}},
                                       {{"id", "confirm"}, {"kind", "confirm"}},
                                       {{"id", "submit"}, {"kind", "submit"}}})}};
  }

  Context context() {
    Context c;
    c.today = "2025-04-01";
    c.now_ms = 1'000'000;
    c.slots = &slots_;
    return c;
  }

  SlotKind kind_;
  TestSlots slots_;
};

TEST_F(PluginKind, IsParsedIntoItsOwnDataAndValidated) {
  auto loaded = load_definition(definition());
  ASSERT_TRUE(loaded.definition) << loaded.issues_json();
  const Step& s = loaded.definition->steps[1];
  EXPECT_EQ(kind_name(s), "slot");
  EXPECT_EQ(s.kind, StepKind::plugin);
  EXPECT_EQ(s.data_as<SlotData>().resource, "窓口A");
  EXPECT_TRUE(is_question(s));

  auto bad = load_definition(definition("confirm"));
  ASSERT_FALSE(bad.definition);
  EXPECT_EQ(bad.issues.at(0).code, "unknown_answer");
  EXPECT_EQ(bad.issues.at(0).step_id, "when");
  Json missing = definition();
  missing["steps"][1].erase("resource");
  EXPECT_EQ(load_definition(missing).issues.at(0).code, "missing_field");
}

TEST_F(PluginKind, UnknownOnceUnregistered) {
  unregister_step_kind("slot");
  auto r = load_definition(definition());
  ASSERT_FALSE(r.definition);
  EXPECT_EQ(r.issues.at(0).code, "unknown_kind");
  register_step_kind(kind_);
  EXPECT_THROW(register_step_kind(kind_), std::invalid_argument);
  unregister_step_kind("choice");  // built-ins stay
  EXPECT_NE(find_step_kind("choice"), nullptr);
}

TEST_F(PluginKind, IsAskedAnsweredRoutedAndRenderedOnLine) {
  ServiceDefinition def = *load_definition(definition()).definition;
  Context ctx = context();
  StepResult r = start(def, ctx);
  r = handle(def, r.state, Input::of_text("2025-04-10"), ctx);
  ASSERT_EQ(r.state.current, "when");
  const Prompt& q = r.prompts.back();
  EXPECT_EQ(q.input, "slot");
  ASSERT_EQ(q.choices.size(), 2u);
  EXPECT_EQ(q.choices[1].label, "9:30〜10:00");
  EXPECT_EQ(slots_.asked.back(), std::make_pair(std::string("窓口A"), std::string("2025-04-10")));

  // LINE: the kind's own quick reply, then its choices, each a valid message.
  Json messages = line::render_prompts(prompts_to_json(r.prompts));
  const Json& items = messages.back()["quickReply"]["items"];
  EXPECT_EQ(items[0]["action"]["label"], "いちばん早い枠");
  EXPECT_EQ(items[1]["action"]["label"], "9:00〜9:30");
  for (const auto& m : messages)
    EXPECT_TRUE(line::testing::validate_message(m).empty()) << m.dump();

  // Typing the start time works too (the quick reply types 9:00).
  EXPECT_EQ(handle(def, r.state, Input::of_text("9:00"), ctx).state.answers.at("when").value,
            "a0900");
  StepResult wrong = handle(def, r.state, Input::of_text("12:00"), ctx);
  EXPECT_EQ(wrong.prompts.at(0).type, Prompt::Type::error);
  EXPECT_EQ(wrong.state.current, "when");

  StepResult picked = handle(def, r.state, Input::of_choice("a0930"), ctx);
  EXPECT_EQ(picked.state.current, "confirm");  // routed on to the summary
  EXPECT_EQ(picked.state.answers.at("when").display, "9:30〜10:00");
  ASSERT_EQ(picked.effects.size(), 1u);
  EXPECT_EQ(picked.effects[0].to_json()["data"]["slot"], "a0930");
}

TEST_F(PluginKind, ASlotTakenMeanwhileIsAskedAgainWithTheReason) {
  ServiceDefinition def = *load_definition(definition()).definition;
  Context ctx = context();
  StepResult r = start(def, ctx);
  r = handle(def, r.state, Input::of_text("2025-04-10"), ctx);
  SessionState before = r.state;
  StepResult picked = handle(def, before, Input::of_choice("a0900"), ctx);
  TakenMeanwhile host;
  StepResult after = apply_effects(def, before, picked, host, ctx);
  EXPECT_EQ(host.reserve_calls, 1);
  EXPECT_EQ(after.state.current, "when");
  EXPECT_EQ(after.state.answers.count("when"), 0u);
  ASSERT_EQ(after.prompts.size(), 2u);
  EXPECT_EQ(after.prompts[0].type, Prompt::Type::error);
  EXPECT_NE(after.prompts[0].text.find("埋まりました"), std::string::npos);
  EXPECT_EQ(after.prompts[1].input, "slot");

  StepResult other = handle(def, after.state, Input::of_choice("a0930"), ctx);
  StepResult applied = apply_effects(def, after.state, other, host, ctx);
  EXPECT_EQ(applied.state.current, "confirm");
  EXPECT_EQ(host.reserve_calls, 2);
}

TEST_F(PluginKind, WithoutAProviderNoSlotIsOffered) {
  ServiceDefinition def = *load_definition(definition()).definition;
  Context ctx = context();
  ctx.slots = nullptr;
  StepResult r = start(def, ctx);
  r = handle(def, r.state, Input::of_text("2025-04-10"), ctx);
  EXPECT_TRUE(r.prompts.back().choices.empty());
  EXPECT_NE(r.prompts.back().text.find("空きがありません"), std::string::npos);
  EXPECT_EQ(handle(def, r.state, Input::of_choice("a0900"), ctx).prompts.at(0).type,
            Prompt::Type::error);
}

}  // namespace
}  // namespace mg::conversation
