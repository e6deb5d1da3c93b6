#pragma once
#include "app/config.h"

namespace mg::app {

// Opens and migrates the database, seeds the demo if asked, wires every capability's
// routes and job handlers, and serves until SIGINT/SIGTERM. Returns the exit code.
int serve(const ServeConfig& config);

}  // namespace mg::app
