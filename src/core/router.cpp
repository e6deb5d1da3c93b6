#include "core/router.h"

#include <algorithm>

namespace mg::http {

namespace {
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string two_key(std::string_view a, std::string_view b) {
  std::string k;
  k.reserve(a.size() + b.size() + 1);
  k.append(a).push_back('\x1f');  // no path segment holds a control character as a literal
  k.append(b);
  return k;
}

const std::vector<std::size_t>* find_list(
    const std::unordered_map<std::string, std::vector<std::size_t>>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? nullptr : &it->second;
}
}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler) {
  std::vector<Segment> segs;
  for (auto s : split_path(pattern)) {
    if (s.size() > 3 && s.substr(0, 2) == "{*" && s.back() == '}')
      segs.push_back({Segment::Kind::rest, std::string(s.substr(2, s.size() - 3))});
    else if (s.size() > 2 && s.front() == '{' && s.back() == '}')
      segs.push_back({Segment::Kind::param, std::string(s.substr(1, s.size() - 2))});
    else
      segs.push_back({Segment::Kind::literal, std::string(s)});
  }
  std::size_t index = routes_.size();
  auto literal = [&](std::size_t i) {
    return i < segs.size() && segs[i].kind == Segment::Kind::literal;
  };
  if (literal(0) && literal(1))
    by_two_[two_key(segs[0].text, segs[1].text)].push_back(index);
  else if (literal(0))
    by_one_[segs[0].text].push_back(index);
  else
    unindexed_.push_back(index);
  routes_.push_back({std::move(method), std::move(pattern), std::move(segs), std::move(handler)});
}

std::vector<Router::RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_) out.push_back({r.method, r.pattern});
  return out;
}

bool Router::matches(const Route& r, const std::vector<std::string_view>& path,
                     std::map<std::string, std::string>& params) {
  std::size_t i = 0;
  for (; i < r.segments.size(); ++i) {
    const auto& s = r.segments[i];
    switch (s.kind) {
      case Segment::Kind::rest: {
        std::string rest;
        for (std::size_t k = i; k < path.size(); ++k) {
          if (k > i) rest += '/';
          rest += path[k];
        }
        params[s.text] = std::move(rest);
        return true;
      }
      case Segment::Kind::param:
        if (i >= path.size()) return false;
        params[s.text] = std::string(path[i]);
        break;
      case Segment::Kind::literal:
        if (i >= path.size() || s.text != path[i]) return false;
        break;
    }
  }
  return i == path.size();
}

Response Router::dispatch(Request& req) const {
  auto path = split_path(req.path);
  // The routes that can match: those filed under the path's first two segments, under its
  // first, and those with a leading parameter; merged back into registration order.
  const std::vector<std::size_t>* lists[3] = {
      path.size() >= 2 ? find_list(by_two_, two_key(path[0], path[1])) : nullptr,
      path.empty() ? nullptr : find_list(by_one_, std::string(path[0])), &unindexed_};
  std::size_t pos[3] = {0, 0, 0};
  bool path_matched = false;
  std::map<std::string, std::string> params;
  for (;;) {
    int next = -1;
    for (int l = 0; l < 3; ++l)
      if (lists[l] && pos[l] < lists[l]->size() &&
          (next < 0 || (*lists[l])[pos[l]] < (*lists[next])[pos[next]]))
        next = l;
    if (next < 0) break;
    const Route& r = routes_[(*lists[next])[pos[next]++]];
    params.clear();
    if (!matches(r, path, params)) continue;
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
