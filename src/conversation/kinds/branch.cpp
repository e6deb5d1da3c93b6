#include "conversation/condition_eval.h"
#include "conversation/kinds/basic.h"
#include "conversation/kinds/builtin.h"

namespace mg::conversation::kinds {
namespace {

class Branch final : public PassingKind {
 public:
  const char* name() const override { return "branch"; }
  const char* staff_label() const override { return "分岐"; }
  // cases and default are read with the common fields (their conditions are checked against
  // the answers before the branch by validation).
  void parse(const Json&, FieldReader&, Step&) const override {}

  void validate(const Step& s, StepChecks& checks) const override {
    if (s.cases.empty())
      checks.add("cases", "missing_field", "分岐の条件（cases）を指定してください");
    for (size_t i = 0; i < s.cases.size(); ++i)
      checks.target("cases[" + std::to_string(i) + "].next", s.cases[i].next);
    checks.target("default", s.default_next);
  }

  Entry enter(const Step& s, StepRuntime& rt) const override {
    return Entry::go(next(rt.definition(), s, rt.state().answers, rt.today()));
  }

  std::string next(const ServiceDefinition& def, const Step& step, const Answers& answers,
                   const Date& today) const override {
    for (const auto& c : step.cases)
      if (evaluate(c.when, answers, today)) return c.next;
    return !step.default_next.empty() ? step.default_next : def.following(step);
  }

  std::vector<std::string> successors(const ServiceDefinition& def, const Step& s) const override {
    std::vector<std::string> out;
    for (const auto& c : s.cases) out.push_back(c.next);
    out.push_back(s.default_next.empty() ? def.following(s) : s.default_next);
    return out;
  }
};

}  // namespace

const StepKindSpec& branch() {
  static const Branch kind;
  return kind;
}

}  // namespace mg::conversation::kinds
