#include "conversation/effect.h"

namespace mg::conversation {

const char* to_string(Effect::Kind k) {
  switch (k) {
    case Effect::Kind::submit:
      return "submit";
    case Effect::Kind::resubmit:
      return "resubmit";
    case Effect::Kind::rating:
      return "rating";
    case Effect::Kind::lookup_failed:
      return "lookup_failed";
    case Effect::Kind::quit:
      return "quit";
    case Effect::Kind::extension:
      return "extension";
    case Effect::Kind::custom:
      return "custom";
  }
  return "?";
}

Json Effect::to_json() const {
  Json j{{"kind", to_string(kind)}};
  switch (kind) {
    case Kind::submit:
    case Kind::resubmit:
      j["answers"] = answers;
      j["total_fee"] = total_fee;
      if (!consent.is_null()) j["consent"] = consent;
      break;
    case Kind::rating:
      j["score"] = score;
      break;
    case Kind::lookup_failed:
      j["step_id"] = step_id;
      break;
    case Kind::extension:
      j["step_id"] = step_id;
      j["name"] = name;
      break;
    case Kind::custom:
      j["step_id"] = step_id;
      j["name"] = name;
      j["data"] = data;
      break;
    case Kind::quit:
      break;
  }
  return j;
}

}  // namespace mg::conversation
