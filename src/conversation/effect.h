#pragma once
// Side effects the host must carry out after a turn (store the application, record a failed
// lookup...). The engine only describes them, so it stays free of I/O.
#include <cstdint>
#include <string>

#include "core/json.h"

namespace mg::conversation {

struct Effect {
  enum class Kind { submit, resubmit, rating, lookup_failed, quit, extension };
  Kind kind = Kind::submit;
  Json answers;           // submit/resubmit: [{step_id,label,value,display}]
  int64_t total_fee = 0;  // submit/resubmit
  int score = 0;          // rating 1-5
  std::string step_id;    // lookup_failed, extension, rating
  std::string name;       // extension name (e.g. "identity")

  Json to_json() const;
};

const char* to_string(Effect::Kind k);

}  // namespace mg::conversation
