// libFuzzer target: whatever the request path, resolve_static_path names nothing outside the
// web root. The root holds a file, a directory and symlinks leading in and out of it.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "app/static_path.h"

namespace {

namespace fs = std::filesystem;

struct Root {
  fs::path base, canonical;
  Root() {
    base = fs::temp_directory_path() / ("mg-fuzz-static-" + std::to_string(::getpid()));
    fs::remove_all(base);
    fs::create_directories(base / "root" / "assets");
    fs::create_directories(base / "outside");
    std::ofstream(base / "root" / "index.html") << "index";
    std::ofstream(base / "root" / "assets" / "a.js") << "js";
    std::ofstream(base / "outside" / "secret") << "secret";
    std::error_code ec;
    fs::create_directory_symlink(base / "outside", base / "root" / "out", ec);
    fs::create_symlink(base / "outside" / "secret", base / "root" / "secret", ec);
    fs::create_symlink(base / "root" / "assets", base / "root" / "in", ec);
    fs::create_symlink("/", base / "root" / "slash", ec);
    canonical = fs::canonical(base / "root");
  }
  ~Root() {
    std::error_code ec;
    fs::remove_all(base, ec);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Root root;
  std::string_view path(reinterpret_cast<const char*>(data), size);
  auto resolved = mg::app::resolve_static_path(root.canonical, path);
  if (!resolved) return 0;
  if (!mg::app::path_is_within(root.canonical, *resolved)) std::abort();
  // The answer is canonical as far as it exists: resolving it again changes nothing, so no
  // symlink or ".." inside it can still lead elsewhere.
  std::error_code ec;
  auto again = fs::weakly_canonical(*resolved, ec);
  if (ec || again != *resolved) std::abort();
  if (!mg::app::path_is_within(root.canonical, again)) std::abort();
  return 0;
}
