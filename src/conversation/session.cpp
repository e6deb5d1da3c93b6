#include "conversation/session.h"

#include <stdexcept>

namespace mg::conversation {

Json SessionState::to_json() const {
  Json a = Json::object();
  for (const auto& [id, ans] : answers)
    a[id] = Json{{"value", ans.value}, {"display", ans.display}};
  return Json{{"version", version},
              {"service_key", service_key},
              {"current", current},
              {"answers", a},
              {"history", history},
              {"editing", editing},
              {"page", page},
              {"phase", phase},
              {"pending", pending},
              {"correction", correction},
              {"correcting", correcting},
              {"consent", consent},
              {"completed", completed},
              {"done", done},
              {"started_at", started_at},
              {"last_activity", last_activity}};
}

SessionState SessionState::from_json(const Json& j) {
  if (!j.is_object() || !j.contains("version") || !j["version"].is_number_integer())
    throw std::invalid_argument("not a conversation session state");
  SessionState s;
  s.version = j["version"].get<int>();
  if (s.version > kSessionStateVersion)
    throw std::invalid_argument("session state version " + std::to_string(s.version) +
                                " is newer than this server supports");
  try {
    s.service_key = j.value("service_key", "");
    s.current = j.value("current", "");
    if (j.contains("answers")) {
      for (auto it = j["answers"].begin(); it != j["answers"].end(); ++it)
        s.answers[it.key()] =
            Answer{it.value().value("value", Json()), it.value().value("display", "")};
    }
    s.history = j.value("history", std::vector<std::string>{});
    s.editing = j.value("editing", false);
    s.page = j.value("page", 0);
    s.phase = j.value("phase", "");
    s.pending = j.value("pending", Json());
    s.correction = j.value("correction", std::vector<std::string>{});
    s.correcting = j.value("correcting", false);
    s.consent = j.value("consent", Json());
    s.completed = j.value("completed", false);
    s.done = j.value("done", false);
    s.started_at = j.value("started_at", int64_t{0});
    s.last_activity = j.value("last_activity", int64_t{0});
  } catch (const Json::exception& e) {
    throw std::invalid_argument(std::string("malformed session state: ") + e.what());
  }
  return s;
}

bool expired(const SessionState& state, int64_t now_ms, int64_t idle_ms) {
  return !state.done && now_ms - state.last_activity > idle_ms;
}

}  // namespace mg::conversation
