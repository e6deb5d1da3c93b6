#include "core/metrics.h"

#include <array>
#include <map>
#include <mutex>
#include <sstream>
#include <vector>

namespace mg::metrics {

namespace {
constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                             0.05,   0.1,   0.25,   0.5,   1,    2.5};
struct Histogram {
  std::array<uint64_t, kBuckets.size()> buckets{};
  uint64_t count = 0;
  double sum = 0;
};
struct Gauge {
  std::string name, help;
  std::function<double()> fn;
};
std::mutex g_mu;
std::map<std::string, uint64_t> g_requests;                       // labels -> count
std::map<std::string, Histogram> g_latency;                       // labels -> histogram
std::map<std::string, std::map<std::string, double>> g_counters;  // name -> labels -> value
std::vector<Gauge> g_gauges;

std::string escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o.push_back('\\');
    if (c == '\n') {
      o += "\\n";
      continue;
    }
    o.push_back(c);
  }
  return o;
}
}  // namespace

void observe_request(const std::string& method, const std::string& route, int status,
                     double seconds) {
  std::string rl = "method=\"" + method + "\",route=\"" + escape(route) + "\"";
  std::string cl = rl + ",status=\"" + std::to_string(status) + "\"";
  std::lock_guard lock(g_mu);
  ++g_requests[cl];
  auto& h = g_latency[rl];
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  ++h.count;
  h.sum += seconds;
}

void count(const std::string& name, const std::string& labels, double by) {
  std::lock_guard lock(g_mu);
  g_counters[name][labels] += by;
}

void gauge(const std::string& name, const std::string& help, std::function<double()> fn) {
  std::lock_guard lock(g_mu);
  g_gauges.push_back({name, help, std::move(fn)});
}

std::string render() {
  std::vector<Gauge> gauges;
  std::ostringstream out;
  {
    std::lock_guard lock(g_mu);
    out << "# HELP madoguchi_http_requests_total HTTP requests by route and status.\n"
        << "# TYPE madoguchi_http_requests_total counter\n";
    for (const auto& [l, v] : g_requests)
      out << "madoguchi_http_requests_total{" << l << "} " << v << "\n";
    out << "# HELP madoguchi_http_request_duration_seconds Request latency by route.\n"
        << "# TYPE madoguchi_http_request_duration_seconds histogram\n";
    for (const auto& [l, h] : g_latency) {
      for (std::size_t i = 0; i < kBuckets.size(); ++i)
        out << "madoguchi_http_request_duration_seconds_bucket{" << l << ",le=\"" << kBuckets[i]
            << "\"} " << h.buckets[i] << "\n";
      out << "madoguchi_http_request_duration_seconds_bucket{" << l << ",le=\"+Inf\"} " << h.count
          << "\n";
      out << "madoguchi_http_request_duration_seconds_sum{" << l << "} " << h.sum << "\n";
      out << "madoguchi_http_request_duration_seconds_count{" << l << "} " << h.count << "\n";
    }
    for (const auto& [name, series] : g_counters) {
      out << "# TYPE " << name << " counter\n";
      for (const auto& [l, v] : series)
        out << name << (l.empty() ? "" : "{" + l + "}") << " " << v << "\n";
    }
    gauges = g_gauges;
  }
  for (const auto& g : gauges) {
    out << "# HELP " << g.name << " " << g.help << "\n# TYPE " << g.name << " gauge\n";
    double v = 0;
    try {
      v = g.fn();
    } catch (...) {
      v = -1;
    }
    out << g.name << " " << v << "\n";
  }
  return out.str();
}

}  // namespace mg::metrics
