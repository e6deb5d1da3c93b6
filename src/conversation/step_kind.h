#pragma once
// Step kinds as plug-ins: everything one kind of step does (parse its fields, check them, ask,
// read the resident's answer, say where the dialog goes next) behind one interface, found by
// the kind's JSON name in one registry. The engine, validation and routing call these hooks
// instead of switching over kinds, so a new kind is its own file plus one registration; a kind
// that leaves out a hook does not compile (they are pure virtual).
#include <string>
#include <vector>

#include "conversation/context.h"
#include "conversation/date_parse.h"
#include "conversation/definition.h"
#include "conversation/effect.h"
#include "conversation/field_reader.h"
#include "conversation/input.h"
#include "conversation/interpret.h"
#include "conversation/prompt.h"
#include "conversation/session.h"

namespace mg::conversation {

// What happens when the dialog reaches a step.
struct Entry {
  enum class Kind {
    ask,   // stop here and ask the step's question
    go,    // pass on to `next` (messages, branches, lookups, submit)
    stop,  // the dialog ends here (e.g. the daily lookup limit)
  };
  Kind kind = Kind::ask;
  std::string next;

  static Entry ask() { return {}; }
  static Entry go(std::string next) { return {Kind::go, std::move(next)}; }
  static Entry stop() { return {Kind::stop, {}}; }
};

// The engine's side of a turn, as a kind passing its step may use it.
class StepRuntime {
 public:
  virtual const ServiceDefinition& definition() const = 0;
  virtual const Context& context() const = 0;
  virtual const Date& today() const = 0;
  virtual SessionState& state() = 0;
  virtual void show(Prompt p) = 0;
  virtual void emit(Effect e) = 0;
  virtual const std::vector<Effect>& effects() const = 0;  // emitted so far this turn
  // When the step is asked again because the host could not carry out its answer (a slot
  // taken meanwhile): that answer, so the kind can resume near it; null otherwise.
  virtual const Answer* failed_answer() const { return nullptr; }
  void say(std::string text) { show(Prompt::message(std::move(text))); }

 protected:
  ~StepRuntime() = default;
};

// Validation's side: issues about one step, named as staff see them.
class StepChecks {
 public:
  virtual void add(const std::string& field, const std::string& code,
                   const std::string& message) = 0;
  // An "unknown_target" issue when `id` names no step (empty and "end" are fine).
  virtual void target(const std::string& field, const std::string& id) = 0;
  virtual const ServiceDefinition& definition() const = 0;

 protected:
  ~StepChecks() = default;
};

class StepKindSpec {
 public:
  virtual ~StepKindSpec() = default;

  // The "kind" in the JSON format and the words staff see for it (お知らせ, 選択...).
  virtual const char* name() const = 0;
  virtual const char* staff_label() const = 0;
  // Whether the resident answers this step (the answer is stored, editable in the summary,
  // usable in branch conditions).
  virtual bool asks() const = 0;

  // The kind's own fields (common ones — id, text, next, optional... — are already read).
  // Plug-in kinds put theirs in step.data.
  virtual void parse(const Json& j, FieldReader& r, Step& step) const = 0;
  virtual void validate(const Step& step, StepChecks& checks) const = 0;
  // On reaching the step: ask, or do the kind's work and go on.
  virtual Entry enter(const Step& step, StepRuntime& rt) const = 0;
  // Fills the question prompt; type, step_id, text, input "text" and hint are preset.
  virtual void ask(const Step& step, const SessionState& state, const Context& ctx,
                   Prompt& p) const = 0;
  virtual Interpretation interpret(const Step& step, const SessionState& state, const Input& in,
                                   const Context& ctx) const = 0;
  // The step after this one given the answers, and every step that may follow (validation).
  virtual std::string next(const ServiceDefinition& def, const Step& step, const Answers& answers,
                           const Date& today) const = 0;
  virtual std::vector<std::string> successors(const ServiceDefinition& def,
                                              const Step& step) const = 0;

  // Optional hooks.
  // Hint shown under the question when staff wrote none.
  virtual std::string hint(const Step&, const Context&) const { return {}; }
  // Effects of storing an answer (a rating is recorded as it is given).
  virtual void answered(const Step&, const Answer&, std::vector<Effect>&) const {}
  // Whether the answer is personal data when the step does not say (`personal`).
  virtual bool personal(const Step&) const { return false; }
  // Whether the step stores an answer without asking (a lookup's matched row): it is on the
  // route, in conditions and the summary, but not editable.
  virtual bool stores_answer() const { return asks(); }
  // Whether walking the route stops here even when answered (confirm, submit).
  virtual bool holds_route() const { return false; }
  // Whether a new answer to `answered_step` makes this step's stored answer stale.
  virtual bool depends_on(const Step&, const std::string& answered_step) const {
    (void)answered_step;
    return false;
  }
};

// Adds a kind; its name must not be taken (std::invalid_argument). Register at start-up or in a
// test before definitions using it are parsed; the registry is not locked against readers.
void register_step_kind(const StepKindSpec& spec);
// Removes a plug-in kind again (tests); built-ins stay.
void unregister_step_kind(const std::string& name);
const StepKindSpec* find_step_kind(const std::string& name);
// Built-in kind by enum (the one exhaustive switch over StepKind).
const StepKindSpec& builtin_spec(StepKind k);
// The step's kind: its spec, else the built-in of its enum.
const StepKindSpec& spec_of(const Step& step);

// Shared by kinds: the step's "next", else the following step in the list.
std::string plain_next(const ServiceDefinition& def, const Step& step);
// A "スキップ" button for optional questions.
void offer_skip(const Step& step, Prompt& p);

}  // namespace mg::conversation
