#pragma once
// Side effects the host must carry out after a turn (store the application, record a failed
// lookup...). The engine only describes them, so it stays free of I/O. The host reports what
// became of each (EffectOutcome); a failed one sends the resident back to a step
// (engine.h: apply_effects).
#include <cstdint>
#include <string>

#include "core/json.h"

namespace mg::conversation {

struct Effect {
  // custom: a plug-in step kind's own effect (`name`, `data`), e.g. reserving a slot.
  enum class Kind { submit, resubmit, rating, lookup_failed, quit, extension, custom };
  Kind kind = Kind::submit;
  Json answers;           // submit/resubmit: [{step_id,label,value,display}]
  int64_t total_fee = 0;  // submit/resubmit
  Json consent;           // submit: the privacy-notice consent given, or null
  int score = 0;          // rating 1-5
  std::string step_id;    // lookup_failed, extension, rating
  std::string name;       // extension name (e.g. "identity"), custom effect name
  Json data;              // custom

  Json to_json() const;
};

const char* to_string(Effect::Kind k);

// What became of an effect the host applied: done, or failed with a reason for the resident
// (「ご希望の枠は埋まりました」) and the step to ask again (empty: the step that emitted it).
struct EffectOutcome {
  bool ok = true;
  std::string reason;      // Japanese
  std::string reask_step;  // step id

  static EffectOutcome success() { return {}; }
  static EffectOutcome failed(std::string reason, std::string reask_step = {}) {
    return {false, std::move(reason), std::move(reask_step)};
  }
};

// The host's side: applies one effect (inside its turn's transaction) and says how it went.
class EffectApplier {
 public:
  virtual EffectOutcome apply(const Effect& e) = 0;

 protected:
  ~EffectApplier() = default;
};

}  // namespace mg::conversation
