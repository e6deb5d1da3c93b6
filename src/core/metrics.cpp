#include "core/metrics.h"

#include "core/crypto.h"

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

std::string_view method_label(std::string_view method) {
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
    if (method == known) return known;
  return "other";
}

void observe_request(const std::string& method, const std::string& route, int status,
                     double seconds) {
  std::string rl =
      "method=\"" + std::string(method_label(method)) + "\",route=\"" + escape(route) + "\"";
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

bool is_loopback(std::string_view addr) {
  if (addr == "::1") return true;
  // IPv4-mapped IPv6 as dual-stack sockets report it.
  if (addr.rfind("::ffff:", 0) == 0) addr.remove_prefix(7);
  if (addr.rfind("127.", 0) != 0) return false;
  // Dotted quad with every part a number 0-255.
  int parts = 0, value = -1;
  for (char c : addr) {
    if (c == '.') {
      if (value < 0) return false;
      ++parts;
      value = -1;
    } else if (c >= '0' && c <= '9') {
      value = (value < 0 ? 0 : value * 10) + (c - '0');
      if (value > 255) return false;
    } else {
      return false;
    }
  }
  return parts == 3 && value >= 0;
}

bool may_scrape(const http::Request& req, std::string_view token) {
  if (!token.empty()) {
    auto auth = req.header("authorization");
    constexpr std::string_view kBearer = "Bearer ";
    return auth && auth->size() > kBearer.size() &&
           auth->compare(0, kBearer.size(), kBearer) == 0 &&
           crypto::constant_time_equal(std::string_view(*auth).substr(kBearer.size()), token);
  }
  if (req.header("forwarded") || req.header("x-forwarded-for") || req.header("x-real-ip"))
    return false;
  return is_loopback(req.remote_addr);
}

}  // namespace mg::metrics
