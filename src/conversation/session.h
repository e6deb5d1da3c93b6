#pragma once
// The resumable state of one resident's dialog. The database stores it as JSON between turns,
// so everything the engine needs to continue lives here (the engine itself holds nothing).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/json.h"

namespace mg::conversation {

struct Answer {
  Json value;           // canonical (ISO date, katakana, digits-only phone, choice value...)
  std::string display;  // what the resident and staff read (和暦, labels, 〒123-4567 ...)
};

using Answers = std::map<std::string, Answer>;

inline constexpr int kSessionStateVersion = 1;

struct SessionState {
  int version = kSessionStateVersion;
  std::string service_key;
  std::string current;  // step waiting for input; empty once done
  Answers answers;
  std::vector<std::string> history;     // question steps answered, for 戻る
  bool editing = false;                 // re-answering from the summary
  int page = 0;                         // page of a long choice list
  std::string phase;                    // sub-step of a step ("rest" for address after postal code)
  Json pending;                         // data carried inside a step (postal lookup result)
  std::vector<std::string> correction;  // 不備: step ids still to re-ask
  bool correcting = false;
  Json consent;            // null, or the consent_record() the resident gave to the privacy notice
  bool completed = false;  // submitted
  bool done = false;       // nothing more to ask
  int64_t started_at = 0;
  int64_t last_activity = 0;

  Json to_json() const;
  // Throws std::invalid_argument when the JSON is not a state (or a newer version).
  static SessionState from_json(const Json& j);
};

// True when an unfinished session has been idle longer than idle_ms.
bool expired(const SessionState& state, int64_t now_ms, int64_t idle_ms);

}  // namespace mg::conversation
