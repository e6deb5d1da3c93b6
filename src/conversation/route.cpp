#include "conversation/route.h"

#include <set>

#include "conversation/step_kind.h"

namespace mg::conversation {

std::string next_of(const ServiceDefinition& def, const Step& step, const Answers& answers,
                    const Date& today) {
  return spec_of(step).next(def, step, answers, today);
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
    const StepKindSpec& kind = spec_of(*s);
    bool stops = kind.holds_route() || (kind.stores_answer() && !answers.count(id));
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
    if (s && spec_of(*s).stores_answer() && answers.count(id)) out.push_back(id);
  }
  return out;
}

}  // namespace mg::conversation
