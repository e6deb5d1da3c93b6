#pragma once
// What staff learn from a service's applications as a whole: the question layout across
// published versions (shared with the CSV export) and the results page's counts.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "applications/model.h"
#include "conversation/definition.h"
#include "core/json.h"
#include "store/db.h"

namespace mg::applications {

struct Question {
  int64_t service_id = 0;
  std::string step_id, label;
  conversation::StepKind kind = conversation::StepKind::text;
  bool multiple = false;
  bool removed = false;                                      // only older published versions ask it
  std::vector<std::pair<std::string, std::string>> choices;  // value, label
};

// The questions of every published version of a service: the newest version's in its order,
// then those only older versions had (applications keep their version's step ids, so a
// column is found by step id whatever the version). Empty when nothing was published.
std::vector<Question> service_questions(store::Tx& tx, int64_t tenant_id, int64_t service_id);

// A day range in Japan's time (inclusive YYYY-MM-DD days) as [from_ms, to_ms).
struct DayRange {
  std::optional<int64_t> from_ms, to_ms;
};
// ApiError 400 naming "from"/"to" for a malformed or impossible date or from > to.
DayRange day_range(const std::string& from, const std::string& to);

// Counts per choice for every choice question, the rating distribution per rating step and
// the applications per status, for one service and day range. ApiError 404 for a service of
// another tenant. Streams the answers row by row: memory does not grow with applications.
// With a limited scope, another department's service answers 404 and only the scope's
// applications are counted.
Json service_results(store::Db& db, int64_t tenant_id, int64_t service_id, const DayRange& range,
                     const DepartmentScope& scope = std::nullopt);

}  // namespace mg::applications
