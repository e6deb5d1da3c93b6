#pragma once
// Evaluates branch conditions against the answers given so far.
#include "conversation/condition.h"
#include "conversation/date_parse.h"
#include "conversation/session.h"

namespace mg::conversation {

// Missing answers make comparisons false ("ne" true), so an unanswered optional question
// never sends the resident down a branch meant for a specific answer.
bool evaluate(const Condition& c, const Answers& answers, const Date& today);

}  // namespace mg::conversation
