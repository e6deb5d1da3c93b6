#pragma once
#include <filesystem>
#include <string>
#include <string_view>

#include "core/http.h"

namespace mg::app {

// A content coding the build precompressed next to an asset (<file>.br, <file>.gz).
enum class ContentCoding { identity, gzip, br };

// The coding to send for a request's Accept-Encoding, among the precompressed variants that
// exist: the acceptable one with the highest q-value, brotli winning a tie (it is smaller).
// "q=0" (or a malformed q) means not acceptable; "*" covers codings not named. Without the
// header, or when nothing available is acceptable, identity.
ContentCoding choose_content_coding(std::string_view accept_encoding, bool br_available,
                                    bool gzip_available);

// Serves the built web front end. Unknown paths without a file extension get index.html so
// the single-page app can route them; hashed assets are cached for a year. A file with a
// precompressed <file>.br / <file>.gz beside it is sent in the coding the client accepts
// (Vary: Accept-Encoding). Only files whose canonical path lies inside the web root are ever
// read, variants included (see static_path.h).
class StaticFiles {
 public:
  explicit StaticFiles(std::string root);
  http::Response serve(const http::Request& req) const;
  bool available() const;

 private:
  std::filesystem::path root_;  // canonical when the directory exists
};

}  // namespace mg::app
