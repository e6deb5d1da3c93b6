#pragma once
#include <filesystem>
#include <string>

#include "core/http.h"

namespace mg::app {

// Serves the built web front end. Unknown paths without a file extension get index.html so
// the single-page app can route them; hashed assets are cached for a year. Only files whose
// canonical path lies inside the web root are ever read (see static_path.h).
class StaticFiles {
 public:
  explicit StaticFiles(std::string root);
  http::Response serve(const http::Request& req) const;
  bool available() const;

 private:
  std::filesystem::path root_;  // canonical when the directory exists
};

}  // namespace mg::app
