#include "app/static_files.h"

#include "app/static_path.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace mg::app {

namespace fs = std::filesystem;

namespace {
std::string content_type(const std::string& ext) {
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool read_file(const fs::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}
}  // namespace

StaticFiles::StaticFiles(std::string root) {
  std::error_code ec;
  root_ = fs::canonical(root, ec);
  // Not built yet: keep an absolute path so available() and the 503 page still work.
  if (ec) root_ = fs::absolute(root, ec).lexically_normal();
}

bool StaticFiles::available() const { return fs::exists(root_ / "index.html"); }

http::Response StaticFiles::serve(const http::Request& req) const {
  // The raw target, decoded here exactly once: req.path is already decoded.
  std::string_view raw = req.target;
  raw = raw.substr(0, raw.find('?'));
  auto resolved = resolve_static_path(root_, raw);
  if (!resolved) return http::Response::error(404, "not_found", "見つかりません");
  fs::path p = *resolved;
  fs::path index = root_ / "index.html";
  std::error_code ec;
  if (p == root_) p = index;
  std::string body;
  if (!fs::is_regular_file(p, ec)) {
    // Client routes of the single-page app have no extension; missing assets do.
    if (p.has_extension()) return http::Response::error(404, "not_found", "見つかりません");
    p = index;
  }
  if (!read_file(p, body)) {
    return http::Response::text(
        "<!doctype html><meta charset=utf-8><title>madoguchi</title><p>The web front end is not "
        "built. Run ./setup.</p>",
        "text/html; charset=utf-8", 503);
  }
  auto res = http::Response::text(std::move(body), content_type(p.extension().string()));
  if (raw.rfind("/assets/", 0) == 0)
    res.header("Cache-Control", "public, max-age=31536000, immutable");
  else
    res.header("Cache-Control", "no-cache");
  res.header("X-Content-Type-Options", "nosniff");
  return res;
}

}  // namespace mg::app
