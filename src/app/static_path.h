#pragma once
// Maps a request path onto a file under the web root. Pure (no I/O beyond resolving the
// path on disk) so it can be unit-tested and fuzzed on its own.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string_view>

namespace mg::app {

// Longest raw request path considered; longer ones are refused outright.
inline constexpr std::size_t kMaxStaticPathBytes = 1024;

// request_path is the raw, still percent-encoded path of the request target (no query).
// Returns the canonical path it names when that path lies inside canonical_root, whether or
// not it exists (the caller decides between the file, the SPA index and 404); "/" names the
// root itself. Returns nullopt for anything that is not a plain relative path: ".." or "."
// segments, dot files, empty segments (so no "//" absolute paths), encoded '/' or '\',
// backslashes, NUL and control characters, malformed escapes, over-long paths, and paths
// whose resolution (symlinks included) leaves the root.
std::optional<std::filesystem::path> resolve_static_path(
    const std::filesystem::path& canonical_root, std::string_view request_path);

// True when `p` is `root` or lies beneath it, comparing whole path components.
bool path_is_within(const std::filesystem::path& root, const std::filesystem::path& p);

}  // namespace mg::app
