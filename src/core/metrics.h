#pragma once
// Prometheus text-format metrics. Counters and histograms are updated on hot paths, so they
// use a mutex per family with small maps; gauges are read through callbacks at scrape time.
#include <functional>
#include <string>
#include <string_view>

#include "core/http.h"

namespace mg::metrics {

// Label values stay bounded whatever clients send: methods outside the standard set count as
// "other", and route must be a router pattern or a fixed placeholder, never a raw path.
void observe_request(const std::string& method, const std::string& route, int status,
                     double seconds);
std::string_view method_label(std::string_view method);
void count(const std::string& name, const std::string& labels, double by = 1);
// name{labels} value, evaluated when /metrics is scraped.
void gauge(const std::string& name, const std::string& help, std::function<double()> fn);
std::string render();

// Who may read /metrics. With a token configured: only requests carrying
// "Authorization: Bearer <token>". Without one: only direct loopback connections; a request a
// local reverse proxy forwarded (Forwarded / X-Forwarded-For / X-Real-IP) is not direct.
bool may_scrape(const http::Request& req, std::string_view token);
bool is_loopback(std::string_view addr);

}  // namespace mg::metrics
