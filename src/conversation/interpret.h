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

// Dispatches to the step's kind (conversation/step_kind.h) after the common skip of optional
// questions.
Interpretation interpret(const Step& step, const SessionState& state, const Input& input,
                         const Context& ctx);

// Building blocks for kinds' interpret hooks.
namespace reply {
Interpretation error(std::string message);
Interpretation answer(Json value, std::string display);
Interpretation pending(std::string phase, Json data);
Interpretation page(int index);
Interpretation skipped();  // an optional question left unanswered
}  // namespace reply
// スキップ/なし/回答しない typed, or the skip button.
bool is_skip(const Input& in);
// The typed text, or null for other inputs.
const std::string* text_of(const Input& in);

}  // namespace mg::conversation
