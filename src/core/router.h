#pragma once
#include <string>
#include <vector>

#include "core/http.h"

namespace mg::http {

// Routes like "/api/applications/{id}". Matching is segment by segment; a final "{*rest}"
// captures the remainder (used for static files).
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
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace mg::http
