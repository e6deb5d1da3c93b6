#pragma once
// Where the dialog goes next. Shared by the engine (to move on, to return to the summary after
// an edit) and by the summary (to list only answers on the path actually taken).
#include <string>
#include <vector>

#include "conversation/date_parse.h"
#include "conversation/definition.h"
#include "conversation/session.h"

namespace mg::conversation {

// The step after `step` given the answers (choice "next", branch cases, "next", list order).
std::string next_of(const ServiceDefinition& def, const Step& step, const Answers& answers,
                    const Date& today);

struct Route {
  std::vector<std::string> steps;  // in order, ending with `stop`
  std::string stop;  // first unanswered question/lookup, a confirm/submit step, or kEndStep
};

// Follows the definition from the start through the answers already given.
Route walk(const ServiceDefinition& def, const Answers& answers, const Date& today);

// Answered question steps on the route, in dialog order.
std::vector<std::string> answered_on_route(const ServiceDefinition& def, const Answers& answers,
                                           const Date& today);

}  // namespace mg::conversation
