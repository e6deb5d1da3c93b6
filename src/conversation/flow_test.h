#pragma once
// Scripted dialogs that staff and CI run against a definition ("madoguchi flow test FILE...").
// File format: docs/service-definition.md, "Flow tests".
#include <ostream>
#include <string>
#include <vector>

namespace mg::conversation {

// Runs every case of every file, prints a table (case, step, PASS/FAIL, reason) and returns 0
// when all passed, 1 otherwise (including unreadable files and invalid definitions).
int run_flow_tests(const std::vector<std::string>& files, std::ostream& out);

}  // namespace mg::conversation
