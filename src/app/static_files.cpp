#include "app/static_files.h"

#include "app/static_path.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

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

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The q-value of one Accept-Encoding element's parameters ("; q=0.8"); 1 when absent, 0 when
// malformed or out of range, so a bad value never selects a coding.
double q_value(std::string_view params) {
  double q = 1.0;
  while (!params.empty()) {
    auto semi = params.find(';');
    auto param = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
    auto eq = param.find('=');
    if (eq == std::string_view::npos || lower(trim(param.substr(0, eq))) != "q") continue;
    std::string v(trim(param.substr(eq + 1)));
    char* end = nullptr;
    q = std::strtod(v.c_str(), &end);
    if (v.empty() || end != v.c_str() + v.size() || !(q >= 0.0 && q <= 1.0)) return 0.0;
  }
  return q;
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

ContentCoding choose_content_coding(std::string_view accept_encoding, bool br_available,
                                    bool gzip_available) {
  // -1: not mentioned; the "*" entry then decides.
  double br = -1, gzip = -1, any = -1;
  std::string_view rest = accept_encoding;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    auto semi = item.find(';');
    auto name = lower(trim(item.substr(0, semi)));
    double q = semi == std::string_view::npos ? 1.0 : q_value(item.substr(semi + 1));
    if (name == "br")
      br = q;
    else if (name == "gzip" || name == "x-gzip")
      gzip = std::max(gzip, q);
    else if (name == "*")
      any = q;
  }
  if (br < 0) br = any;
  if (gzip < 0) gzip = any;
  if (!br_available) br = 0;
  if (!gzip_available) gzip = 0;
  if (br > 0 && br >= gzip) return ContentCoding::br;
  if (gzip > 0) return ContentCoding::gzip;
  return ContentCoding::identity;
}

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
  // Only a file named by the request itself (not the SPA index) has precompressed siblings.
  bool direct = *resolved != root_;
  if (!fs::is_regular_file(p, ec)) {
    // Client routes of the single-page app have no extension; missing assets do.
    if (p.has_extension()) return http::Response::error(404, "not_found", "見つかりません");
    p = index;
    direct = false;
  }
  // Precompressed siblings are looked up through the same resolver, so a variant that is a
  // symlink out of the web root is never read.
  auto variant = [&](std::string_view suffix) -> std::optional<fs::path> {
    if (!direct) return std::nullopt;
    auto v = resolve_static_path(root_, std::string(raw) + std::string(suffix));
    if (!v || !fs::is_regular_file(*v, ec)) return std::nullopt;
    return v;
  };
  auto br = variant(".br");
  auto gz = variant(".gz");
  auto coding = choose_content_coding(req.header("accept-encoding").value_or(""), br.has_value(),
                                      gz.has_value());
  fs::path source = p;
  const char* encoding = nullptr;
  switch (coding) {
    case ContentCoding::br:
      source = *br;
      encoding = "br";
      break;
    case ContentCoding::gzip:
      source = *gz;
      encoding = "gzip";
      break;
    case ContentCoding::identity:
      break;
  }
  if (!read_file(source, body)) {
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
  if (encoding) res.header("Content-Encoding", encoding);
  // Caches must key on Accept-Encoding whenever the answer depends on it.
  if (br || gz) res.header("Vary", "Accept-Encoding");
  res.header("X-Content-Type-Options", "nosniff");
  return res;
}

}  // namespace mg::app
