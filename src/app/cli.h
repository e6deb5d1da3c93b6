#pragma once
#include <string>
#include <vector>

namespace mg::app {

// `madoguchi <command> ...`; returns the process exit code.
int run_cli(const std::vector<std::string>& args);

}  // namespace mg::app
