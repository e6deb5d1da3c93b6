#include "conversation/route.h"

#include <set>

#include "conversation/condition_eval.h"

namespace mg::conversation {

std::string next_of(const ServiceDefinition& def, const Step& step, const Answers& answers,
                    const Date& today) {
  if (step.kind == StepKind::branch) {
    for (const auto& c : step.cases)
      if (evaluate(c.when, answers, today)) return c.next;
    return !step.default_next.empty() ? step.default_next : def.following(step);
  }
  if (step.kind == StepKind::choice && !step.multiple) {
    auto it = answers.find(step.id);
    if (it != answers.end() && it->second.value.is_string()) {
      for (const auto& c : step.choices)
        if (c.value == it->second.value && !c.next.empty()) return c.next;
    }
  }
  return step.next.empty() ? def.following(step) : step.next;
}

Route walk(const ServiceDefinition& def, const Answers& answers, const Date& today) {
  Route r;
  std::set<std::string> seen;
  std::string id = def.start;
  while (true) {
    const Step* s = def.find(id);
    if (!s || !seen.insert(id).second) {
      r.stop = s ? id : kEndStep;
      if (s) r.steps.push_back(id);
      return r;
    }
    r.steps.push_back(id);
    bool stops = s->kind == StepKind::confirm || s->kind == StepKind::submit ||
                 ((is_question(s->kind) || s->kind == StepKind::lookup) && !answers.count(id));
    if (stops) {
      r.stop = id;
      return r;
    }
    id = next_of(def, *s, answers, today);
  }
}

std::vector<std::string> answered_on_route(const ServiceDefinition& def, const Answers& answers,
                                           const Date& today) {
  std::vector<std::string> out;
  for (const auto& id : walk(def, answers, today).steps) {
    const Step* s = def.find(id);
    if (s && (is_question(s->kind) || s->kind == StepKind::lookup) && answers.count(id))
      out.push_back(id);
  }
  return out;
}

}  // namespace mg::conversation
