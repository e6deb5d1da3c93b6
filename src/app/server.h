#pragma once
#include "app/config.h"

namespace mg::app {

// Opens and migrates the database, seeds the demo if asked, wires every capability's
// routes and job handlers, and serves until SIGINT/SIGTERM. Returns the exit code.
int serve(const ServeConfig& config);

// `configured` when set, else `rel` beside the checkout the binary was built from, else `rel`.
std::string default_dir(const std::string& configured, const std::string& rel);

}  // namespace mg::app
