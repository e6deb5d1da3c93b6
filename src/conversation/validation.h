#pragma once
// Checks a parsed definition before staff can publish it, with issues precise enough to show
// next to the offending step in the editor.
#include <optional>
#include <vector>

#include "conversation/definition.h"

namespace mg::conversation {

// Graph checks (targets, reachability, dead-end loops), per-kind required fields, and branch
// conditions (known steps, answered on every path before the branch, operator fits the type).
std::vector<Issue> validate(const ServiceDefinition& def);

// Advice that does not block publishing (the builder shows it beside the step): a submit some
// path reaches without a confirm summary (missing_confirm), and what LINE would cut or page:
// choice labels over 20 characters without a short label (line_label_cut), short labels over
// 20 (line_label_too_long), more than 12 choices (line_paged; LINE shows at most 13 quick
// replies, so the list is split into pages).
std::vector<Issue> advise(const ServiceDefinition& def);

// Import = parse + validate; definition only when there are no issues.
struct LoadResult {
  std::optional<ServiceDefinition> definition;
  std::vector<Issue> issues;
  Json issues_json() const;  // for the API's details[]
};
LoadResult load_definition(const Json& j);

// Step ids that may follow `step` ("end" included), in no particular order.
std::vector<std::string> successors(const ServiceDefinition& def, const Step& step);

}  // namespace mg::conversation
