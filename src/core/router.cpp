#include "core/router.h"

namespace mg::http {

namespace {
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}
}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler) {
  auto segs = split_path(pattern);
  routes_.push_back({std::move(method), std::move(pattern), std::move(segs), std::move(handler)});
}

std::vector<Router::RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_) out.push_back({r.method, r.pattern});
  return out;
}

Response Router::dispatch(Request& req) const {
  auto segs = split_path(req.path);
  bool path_matched = false;
  for (const auto& r : routes_) {
    std::map<std::string, std::string> params;
    bool ok = true;
    std::size_t i = 0;
    for (; i < r.segments.size(); ++i) {
      const auto& s = r.segments[i];
      if (s.rfind("{*", 0) == 0) {
        std::string rest;
        for (std::size_t k = i; k < segs.size(); ++k) rest += (k > i ? "/" : "") + segs[k];
        params[s.substr(2, s.size() - 3)] = rest;
        i = segs.size();
        break;
      }
      if (i >= segs.size()) {
        ok = false;
        break;
      }
      if (s.size() > 2 && s.front() == '{' && s.back() == '}')
        params[s.substr(1, s.size() - 2)] = segs[i];
      else if (s != segs[i]) {
        ok = false;
        break;
      }
    }
    if (!ok || i != segs.size()) {
      if (!(ok && !r.segments.empty() && r.segments.back().rfind("{*", 0) == 0)) continue;
    }
    path_matched = true;
    if (r.method != req.method && !(req.method == "HEAD" && r.method == "GET")) continue;
    req.params = std::move(params);
    req.route = r.pattern;
    return r.handler(req);
  }
  req.route = path_matched ? "(method)" : "(unknown)";
  if (path_matched) return Response::error(405, "method_not_allowed", "このメソッドは使えません");
  return Response::error(404, "not_found", "見つかりません");
}

}  // namespace mg::http
