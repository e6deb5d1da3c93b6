// The `reserve` step kind: its fields, its checks, the questions it asks (category, resource,
// party, day, slot) from a SlotProvider, and resuming at the slot after the host refused one.
#include <gtest/gtest.h>

#include "conversation/engine.h"
#include "conversation/kinds/reserve.h"
#include "conversation/question.h"
#include "conversation/step_kind.h"
#include "conversation/validation.h"

namespace mg::conversation {
namespace {

class Facilities final : public SlotProvider {
 public:
  std::vector<BookableResource> resources() const override {
    return {{"1", "体育館", "10", 4, 1, 0, {}},
            {"2", "会議室A", "20", 1, 1, 0, {}},
            {"3", "会議室B", "20", 1, 1, 0, {}}};
  }
  std::vector<BookableCategory> categories() const override {
    return {{"10", "スポーツ施設", ""}, {"20", "会議室", "30"}, {"30", "公民館", ""}};
  }
  std::vector<std::string> open_days(const std::string& resource, const std::string& from, int days,
                                     int party) const override {
    asked_days.push_back({resource, from, std::to_string(days), std::to_string(party)});
    std::vector<std::string> out;
    for (int d = 2; d <= 20; ++d)
      out.push_back("2025-04-" + std::string(d < 10 ? "0" : "") + std::to_string(d));
    return out;
  }
  std::vector<Slot> available(const std::string& resource, const std::string& date) const override {
    if (date != "2025-04-10") return {};
    std::vector<Slot> out;
    for (int h = 9; h < 21; ++h)  // 12 slots: more than one LINE message holds with the rest
      out.push_back({date + "T" + (h < 10 ? "0" : "") + std::to_string(h) + ":00",
                     std::to_string(h) + ":00", std::to_string(h + 1) + ":00",
                     resource == "1" ? (h == 9 ? 1 : 4) : 1, ""});
    return out;
  }
  mutable std::vector<std::vector<std::string>> asked_days;
};

class Refusing final : public EffectApplier {
 public:
  int calls = 0;
  EffectOutcome apply(const Effect& e) override {
    if (e.kind != Effect::Kind::submit) return EffectOutcome::success();
    ++calls;
    for (const auto& a : e.answers)
      if (a["step_id"] == "yoyaku" && a["value"]["slot"] == "2025-04-10T10:00")
        return EffectOutcome::failed("その枠は先ほど埋まりました。", "yoyaku");
    return EffectOutcome::success();
  }
};

Json definition(Json reserve = Json::object()) {
  reserve["id"] = "yoyaku";
  reserve["kind"] = "reserve";
  reserve["text"] = "施設の予約";
  return Json{{"format", "madoguchi.service/1"},
              {"service_key", "shisetsu"},
              {"title", "施設予約"},
              {"steps", Json::array({reserve,
                                     {{"id", "confirm"}, {"kind", "confirm"}},
                                     {{"id", "submit"}, {"kind", "submit"}}})}};
}

class ReserveKind : public ::testing::Test {
 protected:
  Context context() {
    Context c;
    c.today = "2025-04-01";
    c.now_ms = 1'000'000;
    c.slots = &slots_;
    return c;
  }
  static std::vector<std::string> values(const Prompt& p) {
    std::vector<std::string> out;
    for (const auto& c : p.choices) out.push_back(c.value);
    return out;
  }
  Facilities slots_;
};

TEST_F(ReserveKind, ParsesItsFieldsAndChecksThem) {
  auto loaded = load_definition(definition(
      {{"resources", Json::array({1, "2"})}, {"ask_party", true}, {"max_party", 5}, {"days", 60}}));
  ASSERT_TRUE(loaded.definition) << loaded.issues_json();
  const Step& s = loaded.definition->steps[0];
  EXPECT_EQ(kind_name(s), "reserve");
  EXPECT_TRUE(is_question(s));
  const auto& d = s.data_as<kinds::ReserveData>();
  EXPECT_EQ(d.resources, (std::vector<std::string>{"1", "2"}));
  EXPECT_TRUE(d.ask_party);
  EXPECT_EQ(d.max_party, 5);
  EXPECT_EQ(d.days, 60);

  for (auto [bad, code] :
       {std::pair{Json{{"resources", "1"}}, "wrong_type"},
        std::pair{Json{{"categories", Json::array({-3})}}, "wrong_type"},
        std::pair{Json{{"max_party", 0}}, "bad_range"}, std::pair{Json{{"days", 400}}, "bad_range"},
        std::pair{Json{{"ask_party", "yes"}}, "wrong_type"}}) {
    auto r = load_definition(definition(bad));
    ASSERT_FALSE(r.definition) << bad.dump();
    EXPECT_EQ(r.issues.at(0).code, code) << bad.dump();
  }
  Json two = definition();
  Json second = two["steps"][0];
  second["id"] = "again";
  two["steps"].insert(two["steps"].begin() + 1, second);
  auto r = load_definition(two);
  ASSERT_FALSE(r.definition);
  EXPECT_EQ(r.issues.at(0).code, "duplicate_reserve");
  EXPECT_EQ(r.issues.at(0).step_id, "again");
}

TEST_F(ReserveKind, AsksCategoryResourcePartyDayAndSlot) {
  ServiceDefinition def =
      *load_definition(definition({{"ask_party", true}, {"max_party", 3}})).definition;
  Context ctx = context();
  StepResult r = start(def, ctx);
  ASSERT_EQ(r.state.current, "yoyaku");
  EXPECT_EQ(values(r.prompts.back()), (std::vector<std::string>{"cat:10", "cat:20"}));
  EXPECT_EQ(r.prompts.back().choices[1].label, "会議室");

  r = handle(def, r.state, Input::of_text("会議室"), ctx);  // a typed name works too
  EXPECT_EQ(values(r.prompts.back()), (std::vector<std::string>{"res:2", "res:3"}));
  EXPECT_EQ(handle(def, r.state, Input::of_choice("res:1"), ctx).prompts.at(0).type,
            Prompt::Type::error);  // not in the chosen category
  r = handle(def, r.state, Input::of_choice("res:3"), ctx);
  // The room holds one: the party question's bound is the capacity, not max_party.
  EXPECT_EQ(r.prompts.back().format, "number");
  EXPECT_EQ(r.prompts.back().max, 1);
  EXPECT_EQ(handle(def, r.state, Input::of_text("2"), ctx).prompts.at(0).type, Prompt::Type::error);
  r = handle(def, r.state, Input::of_text("1人"), ctx);

  // Days with room only, ten a page, a date question (LINE shows its date picker).
  const Prompt& days = r.prompts.back();
  EXPECT_EQ(days.input, "date");
  EXPECT_EQ(days.min_date, "2025-04-02");
  EXPECT_EQ(days.max_date, "2025-04-20");
  ASSERT_EQ(days.choices.size(), 11u);
  EXPECT_EQ(days.choices[0].label, "4月2日(水)");
  EXPECT_EQ(days.choices.back().value, kNextPage);
  EXPECT_EQ(slots_.asked_days.back(), (std::vector<std::string>{"3", "2025-04-01", "31", "1"}));
  StepResult next = handle(def, r.state, Input::of_choice(kNextPage), ctx);
  EXPECT_EQ(next.prompts.back().choices.front().value, kPrevPage);
  EXPECT_EQ(next.prompts.back().choices[1].value, "day:2025-04-12");
  // A day without room, picked on a date picker, is refused with the reason.
  Input far;
  far.type = Input::Type::date;
  far.date = "2025-04-25";
  StepResult full = handle(def, r.state, far, ctx);
  EXPECT_EQ(full.prompts.at(0).type, Prompt::Type::error);
  EXPECT_NE(full.prompts.at(0).text.find("空きがありません"), std::string::npos);

  Input picked;
  picked.type = Input::Type::date;
  picked.date = "2025-04-10";
  r = handle(def, next.state, picked, ctx);
  const Prompt& slots = r.prompts.back();
  EXPECT_EQ(slots.input, "choice");
  // 10 slots, 次へ and 別の日にする: within LINE's 13 quick replies, starting at page one.
  EXPECT_LE(slots.choices.size(), kMaxQuickReplies);
  EXPECT_EQ(slots.choices[0].value, "2025-04-10T09:00");
  EXPECT_EQ(slots.choices[0].label, "9:00〜10:00");
  EXPECT_EQ(slots.choices.back().value, "__other_day__");

  StepResult wrong = handle(def, r.state, Input::of_text("22:00"), ctx);
  EXPECT_EQ(wrong.prompts.at(0).type, Prompt::Type::error);
  StepResult done = handle(def, r.state, Input::of_text("10:00"), ctx);
  EXPECT_EQ(done.state.current, "confirm");
  const Answer& a = done.state.answers.at("yoyaku");
  EXPECT_EQ(a.value["resource_id"], "3");
  EXPECT_EQ(a.value["slot"], "2025-04-10T10:00");
  EXPECT_EQ(a.value["party"], 1);
  EXPECT_EQ(a.display, "会議室B 4月10日(木) 10:00〜11:00（1人）");
  auto req = kinds::reserve_request(a.value);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->resource, "3");
  EXPECT_EQ(req->party, 1);
  EXPECT_FALSE(kinds::reserve_request(Json{{"slot", 3}}));

  // 別の日にする goes back to the days.
  EXPECT_EQ(handle(def, r.state, Input::of_choice("__other_day__"), ctx).prompts.back().input,
            "date");
}

TEST_F(ReserveKind, ListedResourcesAndCategoriesOnlyAndSingleChoicesAreTaken) {
  Context ctx = context();
  // Category 30 holds 20 below it: both rooms, no category question.
  ServiceDefinition rooms =
      *load_definition(definition({{"categories", Json::array({30})}})).definition;
  StepResult r = start(rooms, ctx);
  EXPECT_EQ(values(r.prompts.back()), (std::vector<std::string>{"res:2", "res:3"}));
  // One resource: straight to the days.
  ServiceDefinition gym =
      *load_definition(definition({{"resources", Json::array({1})}})).definition;
  r = start(gym, ctx);
  EXPECT_EQ(r.prompts.back().input, "date");
  EXPECT_NE(r.prompts.back().text.find("体育館"), std::string::npos);
  // A slot with fewer places than the party is not offered.
  ServiceDefinition party =
      *load_definition(definition({{"resources", Json::array({1})}, {"ask_party", true}}))
           .definition;
  r = start(party, ctx);
  r = handle(party, r.state, Input::of_text("2"), ctx);
  r = handle(party, r.state, Input::of_choice("day:2025-04-10"), ctx);
  EXPECT_EQ(r.prompts.back().choices[0].value, "2025-04-10T10:00");
  EXPECT_EQ(r.prompts.back().choices[0].label, "10:00〜11:00（残り4）");
  // Without a provider: said plainly, nothing accepted.
  ctx.slots = nullptr;
  r = start(gym, ctx);
  EXPECT_NE(r.prompts.back().text.find("ありません"), std::string::npos);
  EXPECT_EQ(handle(gym, r.state, Input::of_text("体育館"), ctx).prompts.at(0).type,
            Prompt::Type::error);
}

TEST_F(ReserveKind, ASlotRefusedAtSubmitIsAskedAgainOnTheSameDay) {
  ServiceDefinition def =
      *load_definition(definition({{"resources", Json::array({2})}})).definition;
  Context ctx = context();
  StepResult r = start(def, ctx);
  r = handle(def, r.state, Input::of_choice("day:2025-04-10"), ctx);
  r = handle(def, r.state, Input::of_choice("2025-04-10T10:00"), ctx);
  ASSERT_EQ(r.state.current, "confirm");
  SessionState at_confirm = r.state;
  StepResult submitted = handle(def, at_confirm, Input::of_choice(kConfirmSubmit), ctx);
  ASSERT_EQ(submitted.effects.size(), 1u);
  Refusing host;
  StepResult after = apply_effects(def, at_confirm, submitted, host, ctx);
  EXPECT_EQ(host.calls, 1);
  EXPECT_FALSE(after.state.completed);
  EXPECT_EQ(after.state.current, "yoyaku");
  EXPECT_EQ(after.state.answers.count("yoyaku"), 0u);
  EXPECT_EQ(after.prompts.at(0).type, Prompt::Type::error);
  EXPECT_NE(after.prompts.at(0).text.find("埋まりました"), std::string::npos);
  // Straight at the slots of the same day, not at the start.
  EXPECT_EQ(after.prompts.back().choices.at(0).value, "2025-04-10T09:00");
  // Another slot returns to the summary, and submits.
  StepResult again = handle(def, after.state, Input::of_choice("2025-04-10T11:00"), ctx);
  EXPECT_EQ(again.state.current, "confirm");
  StepResult ok = handle(def, again.state, Input::of_choice(kConfirmSubmit), ctx);
  ok = apply_effects(def, again.state, ok, host, ctx);
  EXPECT_TRUE(ok.state.completed);
  EXPECT_EQ(host.calls, 2);
}

// A hall with a fee, an exemption (減免) and a party of 2 at least (issue 12 fees): the step
// asks for the exemption after the party, and its answer carries the fee the ledger charges.
class PricedHall final : public SlotProvider {
 public:
  std::vector<BookableResource> resources() const override {
    BookableResource r;
    r.id = "5";
    r.name = "ホール";
    r.capacity = 10;
    r.party_min = 2;
    r.fee_per_slot = 1201;
    r.exemptions = {{"dantai", "市内団体", 50}, {"techo", "障害者手帳", 100}};
    return {r};
  }
  std::vector<std::string> open_days(const std::string&, const std::string&, int,
                                     int) const override {
    return {"2025-04-10"};
  }
  std::vector<Slot> available(const std::string&, const std::string& date) const override {
    return {{date + "T10:00", "10:00", "11:00", 10, ""}};
  }
};

TEST_F(ReserveKind, AsksTheExemptionAndShowsTheFee) {
  PricedHall hall;
  ServiceDefinition def = *load_definition(definition({{"ask_party", true}})).definition;
  Context ctx = context();
  ctx.slots = &hall;
  StepResult r = start(def, ctx);
  EXPECT_EQ(r.prompts.back().min, 2);
  EXPECT_EQ(handle(def, r.state, Input::of_text("1"), ctx).prompts.at(0).type, Prompt::Type::error);
  r = handle(def, r.state, Input::of_text("2"), ctx);
  const Prompt& ask = r.prompts.back();
  EXPECT_NE(ask.text.find("1 枠 1,201 円"), std::string::npos) << ask.text;
  EXPECT_EQ(values(ask), (std::vector<std::string>{"ex:dantai", "ex:techo", "ex:"}));
  EXPECT_EQ(ask.choices[0].label, "市内団体（50%減免）");
  EXPECT_EQ(handle(def, r.state, Input::of_choice("ex:nope"), ctx).prompts.at(0).type,
            Prompt::Type::error);
  r = handle(def, r.state, Input::of_choice("ex:dantai"), ctx);
  r = handle(def, r.state, Input::of_choice("day:2025-04-10"), ctx);
  r = handle(def, r.state, Input::of_choice("2025-04-10T10:00"), ctx);
  ASSERT_EQ(r.state.current, "confirm");
  const Answer& a = r.state.answers.at("yoyaku");
  // 1201 × 50% = 600.5 → 600, as the ledger rounds.
  EXPECT_EQ(a.display, "ホール 4月10日(木) 10:00〜11:00（2人） 利用料 600 円（市内団体）");
  EXPECT_EQ(a.value["exemption"], "dantai");
  EXPECT_EQ(a.value["fee"], 600);
  EXPECT_EQ(kinds::reserve_request(a.value)->exemption, "dantai");

  // 当てはまらない: the full fee, no exemption in the answer.
  r = start(def, ctx);
  r = handle(def, r.state, Input::of_text("3"), ctx);
  r = handle(def, r.state, Input::of_choice("ex:"), ctx);
  r = handle(def, r.state, Input::of_choice("day:2025-04-10"), ctx);
  r = handle(def, r.state, Input::of_choice("2025-04-10T10:00"), ctx);
  const Answer& full = r.state.answers.at("yoyaku");
  EXPECT_EQ(full.display, "ホール 4月10日(木) 10:00〜11:00（3人） 利用料 1,201 円");
  EXPECT_FALSE(full.value.contains("exemption"));
  EXPECT_EQ(kinds::reserve_request(full.value)->exemption, "");
}

}  // namespace
}  // namespace mg::conversation
