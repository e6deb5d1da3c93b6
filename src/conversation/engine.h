#pragma once
// The conversation engine: given a definition, the stored state and one input, it returns the
// next state, what to show, and what the host must do. No I/O, no clock: deterministic.
#include <string>
#include <vector>

#include "conversation/context.h"
#include "conversation/definition.h"
#include "conversation/effect.h"
#include "conversation/input.h"
#include "conversation/prompt.h"
#include "conversation/session.h"

namespace mg::conversation {

struct StepResult {
  SessionState state;
  std::vector<Prompt> prompts;  // already within LINE limits (fit_for_line)
  std::vector<Effect> effects;
  bool done = false;

  // {state, prompts, effects, done}
  Json to_json() const;
};

// Opens a session at the definition's start step.
StepResult start(const ServiceDefinition& def, const Context& ctx);

// One resident turn. Commands (back/restart/quit/help/edit, or 戻る/最初から/やめる/ヘルプ typed)
// work at any point.
StepResult handle(const ServiceDefinition& def, const SessionState& state, const Input& input,
                  const Context& ctx);

// Same, from the Input JSON of docs/API.md; malformed JSON gives an error prompt and re-asks.
StepResult handle_json(const ServiceDefinition& def, const SessionState& state, const Json& input,
                       const Context& ctx);

// 不備 correction: a session holding the submitted answers ([{step_id,value,display}] as in the
// submit effect) that re-asks only step_ids, then confirms and emits Effect::resubmit.
// Throws std::invalid_argument when no step id names an answerable step.
StepResult start_correction(const ServiceDefinition& def, const Json& answers,
                            const std::vector<std::string>& step_ids, const std::string& reason,
                            const Context& ctx);

// Applies a turn's effects in order through the host. When one fails, the rest are not applied
// and the turn becomes a re-ask instead: the state before the turn (`before`), with the answer
// of the step to re-ask (the outcome's, else the effect's step) dropped, its question asked
// again under the reason; from a summary, answering it returns to the summary. When no
// question can be re-asked, the reason is shown and the resident's step asked again. The
// effects applied before the failure stay applied (put effects that can fail last).
StepResult apply_effects(const ServiceDefinition& def, const SessionState& before, StepResult turn,
                         EffectApplier& host, const Context& ctx);

}  // namespace mg::conversation
