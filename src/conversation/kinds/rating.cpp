#include "conversation/kinds/basic.h"
#include "conversation/kinds/builtin.h"
#include "conversation/normalize.h"

namespace mg::conversation::kinds {
namespace {

Interpretation interpret_rating(const Input& in) {
  std::string v = in.type == Input::Type::choice ? in.value
                  : in.type == Input::Type::text ? normalize_text(in.text)
                                                 : "";
  if (v.size() >= 1 && v[0] >= '1' && v[0] <= '5' && (v.size() == 1 || v[1] == ' '))
    return reply::answer(v[0] - '0', std::string(1, v[0]));
  return reply::error("1から5の数字で選んでください（5がいちばん満足）。");
}

class Rating final : public QuestionKind {
 public:
  const char* name() const override { return "rating"; }
  const char* staff_label() const override { return "満足度"; }
  void parse(const Json&, FieldReader&, Step&) const override {}
  void validate(const Step&, StepChecks&) const override {}

  void ask(const Step&, const SessionState&, const Context&, Prompt& p) const override {
    p.input = "rating";
    static const char* kLabels[] = {"1 不満", "2 やや不満", "3 ふつう", "4 やや満足", "5 満足"};
    for (int i = 5; i >= 1; --i)
      p.choices.push_back(PromptChoice{std::to_string(i), kLabels[i - 1], std::nullopt});
    // Always skippable: an opinion is never required.
    p.choices.push_back(PromptChoice{kSkip, "回答しない", std::nullopt});
  }

  Interpretation interpret(const Step&, const SessionState&, const Input& in,
                           const Context&) const override {
    if (is_skip(in)) return reply::skipped();
    return interpret_rating(in);
  }

  // Recorded as given, so a resident who stops after rating still counts.
  void answered(const Step& step, const Answer& answer,
                std::vector<Effect>& effects) const override {
    if (!answer.value.is_number()) return;
    Effect e;
    e.kind = Effect::Kind::rating;
    e.score = answer.value.get<int>();
    e.step_id = step.id;
    effects.push_back(e);
  }
};

}  // namespace

const StepKindSpec& rating() {
  static const Rating kind;
  return kind;
}

}  // namespace mg::conversation::kinds
