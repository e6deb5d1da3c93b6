#pragma once
// Prometheus text-format metrics. Counters and histograms are updated on hot paths, so they
// use a mutex per family with small maps; gauges are read through callbacks at scrape time.
#include <functional>
#include <string>

namespace mg::metrics {

void observe_request(const std::string& method, const std::string& route, int status,
                     double seconds);
void count(const std::string& name, const std::string& labels, double by = 1);
// name{labels} value, evaluated when /metrics is scraped.
void gauge(const std::string& name, const std::string& help, std::function<double()> fn);
std::string render();

}  // namespace mg::metrics
