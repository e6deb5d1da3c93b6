#pragma once
// Turns one resident input into an answer for the current question step, or says why not.
// Pure: reads the state, never changes it (the engine applies the outcome).
#include <string>

#include "conversation/context.h"
#include "conversation/definition.h"
#include "conversation/input.h"
#include "conversation/session.h"

namespace mg::conversation {

struct Interpretation {
  enum class Kind {
    answer,  // the step is answered
    error,   // tell the resident and ask again
    page,    // show another page of choices
    pending  // stay on the step with new phase/pending (multi-choice taps, address parts)
  };
  Kind kind = Kind::error;
  Answer answer;
  std::string error;  // Japanese
  int page = 0;
  std::string phase;
  Json pending;
};

Interpretation interpret(const Step& step, const SessionState& state, const Input& input,
                         const Context& ctx);

}  // namespace mg::conversation
