#pragma once
// Flow tests written in the console: scripted answers and the outcome staff expect (reaches the
// submit, the fee, the step it ends at, an answer's value), run by the pure engine against a
// draft. Nothing is published or stored by a run; the tests themselves are saved per service.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "auth/service.h"
#include "conversation/context.h"
#include "conversation/definition.h"
#include "core/router.h"
#include "services/catalog.h"
#include "store/db.h"

namespace mg::services {

// Bounds of what staff write (a test is a handful of answers; a draft a few dozen tests).
inline constexpr size_t kMaxFlowTests = 30;
inline constexpr size_t kMaxFlowTestAnswers = 100;
inline constexpr size_t kMaxFlowTestNameChars = 80;
inline constexpr size_t kMaxFlowTestAnswerChars = 500;
inline constexpr size_t kMaxFlowTestFields = 20;
inline constexpr int64_t kMaxFlowTestFee = 100'000'000;

struct FlowCheck {
  std::string name;
  std::vector<Json> answers;  // typed text (string) or Input JSON (object)
  std::optional<bool> submitted;
  std::optional<int64_t> fee;
  std::optional<std::string> end_step;        // "" = the dialog has ended
  std::map<std::string, std::string> fields;  // step id -> expected answer (value or display)

  Json to_json() const;
};

// {"tests":[{name, answers, expect:{submitted?, fee?, step?, fields?}}]} or the bare array.
// ApiError 400 (field "tests[i].…") for anything out of shape or over the bounds.
std::vector<FlowCheck> parse_flow_checks(const Json& tests);

// {passed, failed, results:[{name, ok, failures:[Japanese], step, submitted, fee, answered}]}.
Json run_flow_checks(const conversation::ServiceDefinition& def,
                     const std::vector<FlowCheck>& tests, const conversation::Context& ctx);

// GET/PUT /api/services/{id}/flow-tests, POST /api/services/{id}/flow-tests/run.
void mount_flow_checks(http::Router& r, auth::AuthService& auth, Catalog& catalog, store::Db& db);

}  // namespace mg::services
