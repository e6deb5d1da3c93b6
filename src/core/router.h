#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "core/http.h"

namespace mg::http {

// Routes like "/api/applications/{id}". Matching is segment by segment; a final "{*rest}"
// captures the remainder (used for static files). The first route in registration order that
// matches wins. Routes are indexed by their leading literal segments, so a request is compared
// with the few routes that share its prefix, not with every route of every capability.
class Router {
 public:
  struct RouteInfo {
    std::string method;
    std::string pattern;
  };

  void add(std::string method, std::string pattern, Handler handler);
  void get(std::string p, Handler h) { add("GET", std::move(p), std::move(h)); }
  void post(std::string p, Handler h) { add("POST", std::move(p), std::move(h)); }
  void put(std::string p, Handler h) { add("PUT", std::move(p), std::move(h)); }
  void patch(std::string p, Handler h) { add("PATCH", std::move(p), std::move(h)); }
  void del(std::string p, Handler h) { add("DELETE", std::move(p), std::move(h)); }

  // Sets req.params and req.route; 404/405 errors as JSON when nothing matches.
  Response dispatch(Request& req) const;

  // Every registered route in matching order (`madoguchi routes`, the isolation test).
  std::vector<RouteInfo> routes() const;

 private:
  struct Segment {
    enum class Kind { literal, param, rest } kind;
    std::string text;  // the literal, or the parameter's name
  };
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<Segment> segments;
    Handler handler;
  };
  // Fills params and returns true when the route matches the path (whatever the method).
  static bool matches(const Route& r, const std::vector<std::string_view>& path,
                      std::map<std::string, std::string>& params);

  std::vector<Route> routes_;
  // Indices into routes_, ascending: by the first two literal segments ("api\x1fpublic"), by
  // the first alone when the second is not literal, and the rest (a leading parameter).
  std::unordered_map<std::string, std::vector<std::size_t>> by_two_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_one_;
  std::vector<std::size_t> unindexed_;
};

}  // namespace mg::http
