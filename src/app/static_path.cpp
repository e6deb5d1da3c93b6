#include "app/static_path.h"

#include <string>
#include <system_error>
#include <vector>

namespace mg::app {

namespace fs = std::filesystem;

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

// Decodes one segment exactly once. Refuses bytes that could change how the path splits or
// is interpreted: a '/' or '\' (encoded or not) inside a segment, NUL and control characters,
// and malformed escapes. '+' stays '+' (it means a space only in query strings).
std::optional<std::string> decode_segment(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      if (i + 2 >= raw.size()) return std::nullopt;
      int hi = hex_value(raw[i + 1]);
      int lo = hex_value(raw[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    auto u = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\' || is_control(u)) return std::nullopt;
    out.push_back(c);
  }
  return out;
}

}  // namespace

bool path_is_within(const fs::path& root, const fs::path& p) {
  auto r = root.begin();
  auto q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    // A trailing separator on the root shows up as an empty last component.
    if (r->empty() && std::next(r) == root.end()) return true;
    if (q == p.end() || *r != *q) return false;
  }
  return true;
}

std::optional<fs::path> resolve_static_path(const fs::path& canonical_root,
                                            std::string_view request_path) {
  if (canonical_root.empty() || !canonical_root.is_absolute()) return std::nullopt;
  if (request_path.empty() || request_path.size() > kMaxStaticPathBytes) return std::nullopt;
  if (request_path.front() != '/') return std::nullopt;  // "*", absolute-form URLs
  std::string_view rest = request_path.substr(1);
  // One trailing slash is harmless ("/console/"); any other empty segment is not.
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  fs::path rel;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    std::string_view raw = rest.substr(0, slash);
    if (raw.empty()) return std::nullopt;  // "//": would make the joined path absolute
    auto seg = decode_segment(raw);
    // "." and ".." climb or stay; other dot files (.env, .git) are never part of the build.
    if (!seg || seg->empty() || seg->front() == '.') return std::nullopt;
    rel /= *seg;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (rel.is_absolute() || rel.has_root_name() || rel.has_root_directory()) return std::nullopt;
  std::error_code ec;
  // Resolves symlinks in the existing part of the path, so a link leading out of the root
  // ends up outside it and is refused below.
  fs::path resolved = fs::weakly_canonical(rel.empty() ? canonical_root : canonical_root / rel, ec);
  if (ec) return std::nullopt;
  if (!path_is_within(canonical_root, resolved)) return std::nullopt;
  return resolved;
}

}  // namespace mg::app
