#pragma once
#include <string>

#include "core/http.h"

namespace mg::app {

// Serves the built web front end. Unknown paths without a file extension get index.html so
// the single-page app can route them; hashed assets are cached for a year.
class StaticFiles {
 public:
  explicit StaticFiles(std::string root) : root_(std::move(root)) {}
  http::Response serve(const http::Request& req) const;
  bool available() const;

 private:
  std::string root_;
};

}  // namespace mg::app
