#include "app/config.h"

#include <boost/program_options.hpp>

#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/sealed_box.h"

namespace mg::app {

namespace po = boost::program_options;
namespace fs = std::filesystem;

std::optional<ServeConfig> parse_serve_args(const std::vector<std::string>& args) {
  ServeConfig c;
  std::string config_file;
  po::options_description desc(
      "madoguchi serve: the online city hall (web chat, staff console, API, LINE webhook, "
      "workers)\n\nSettings (also MADOGUCHI_<NAME> environment variables, or name = value lines in "
      "--config)");
  // clang-format off
  desc.add_options()
    ("help,h", "show this help")
    ("config", po::value(&config_file), "INI file with settings (name = value)")
    ("listen", po::value(&c.listen)->default_value(c.listen), "address and port to listen on (ADDR:PORT)")
    ("data", po::value(&c.data_dir)->default_value(c.data_dir), "data directory (SQLite database)")
    ("database", po::value(&c.database), "database URL: sqlite:PATH or postgresql://user@host/db (default sqlite:<data>/madoguchi.db)")
    ("web-root", po::value(&c.web_root), "directory with the built web front end (default web/dist)")
    ("templates", po::value(&c.templates_dir), "directory of bundled service templates (default templates)")
    ("public-url", po::value(&c.public_url), "external base URL, used in webhook URLs shown to admins")
    ("demo", po::bool_switch(&c.demo), "create a demo municipality with an admin account and published templates")
    ("demo-line-sim", po::value(&c.demo_line_sim), "wire the demo municipality's LINE channel to a line-sim at this URL (also allows it as a LINE API base)")
    ("line-api-allow", po::value(&c.line_api_allow), "LINE Messaging API base URLs tenants may use besides https://api.line.me (URL[,URL])")
    ("secret-key-file", po::value(&c.secret_key_file), "key file sealing LINE channel secrets (default <data>/secret.key, created 0600; MADOGUCHI_SECRET_KEY overrides)")
    ("workers", po::value(&c.job_workers)->default_value(c.job_workers), "background job workers")
    ("lease-ms", po::value(&c.lease_ms)->default_value(c.lease_ms), "lease on claimed LINE messages and jobs: another process takes over a dead process's work after this (ms, >= 1000)")
    ("heartbeat-ms", po::value(&c.heartbeat_ms)->default_value(c.heartbeat_ms), "how often a process renews its leases (ms, at most a third of --lease-ms)")
    ("drain-ms", po::value(&c.drain_ms)->default_value(c.drain_ms), "on SIGTERM, keep serving this long with /healthz answering 503 and no keep-alive before stopping (behind a load balancer: longer than its health-check interval)")
    ("line-senders", po::value(&c.line_senders)->default_value(c.line_senders), "concurrent LINE Messaging API requests")
    ("line-multicast-per-second", po::value(&c.line_multicast_per_second)->default_value(c.line_multicast_per_second), "multicast requests per second per LINE channel (LINE allows 200; 0 = unpaced)")
    ("outbox-retention-days", po::value(&c.outbox_retention_days)->default_value(c.outbox_retention_days), "days sent LINE messages and finished campaign batches are kept")
    ("db-pool", po::value(&c.db_pool)->default_value(c.db_pool), "database connections (0 = automatic)")
    ("io-threads", po::value(&c.io_threads)->default_value(c.io_threads), "network threads (0 = one per core)")
    ("max-body-bytes", po::value(&c.max_body_bytes)->default_value(c.max_body_bytes), "largest accepted request body")
    ("secure-cookies", po::bool_switch(&c.secure_cookies), "mark cookies Secure (behind HTTPS)")
    ("test-clock", po::bool_switch(&c.test_clock), "tests only: let an admin move the server's clock (POST /api/test/clock)")
    ("session-idle-minutes", po::value(&c.session_idle_minutes)->default_value(c.session_idle_minutes), "resident chat sessions expire after this idle time")
    ("metrics-token", po::value(&c.metrics_token), "bearer token required to read /metrics; without it only direct loopback connections may (set it via MADOGUCHI_METRICS_TOKEN or --config, not argv)")
    ("trusted-proxy", po::value(&c.trusted_proxy), "comma-separated addresses of reverse proxies whose X-Forwarded-For names the client (e.g. 127.0.0.1 for nginx on this host)")
    ("max-connections", po::value(&c.max_connections)->default_value(c.max_connections), "open client connections at most (capped by the open-file limit)")
    ("max-event-streams", po::value(&c.max_event_streams)->default_value(c.max_event_streams), "server-sent event streams open at once (staff's hand-off queue, residents' conversations); more answer 503")
    ("upload-daily-count", po::value(&c.upload_daily_count)->default_value(c.upload_daily_count), "photos a resident's device may upload per day (ten times that per address)")
    ("upload-daily-mb", po::value(&c.upload_daily_mb)->default_value(c.upload_daily_mb), "megabytes a resident's device may upload per day (ten times that per address)")
    ("upload-unclaimed-seconds", po::value(&c.upload_unclaimed_seconds)->default_value(c.upload_unclaimed_seconds), "uploads no application claims are removed after this time")
    ("map-tiles", po::value(&c.map_tiles)->default_value(c.map_tiles), "map tile URL template for residents' location questions ({z}/{x}/{y}, optional {s}); its host is allowed in the pages' img-src; none = no tiles")
    ("map-attribution", po::value(&c.map_attribution)->default_value(c.map_attribution), "attribution shown on the map (as the tile provider requires)")
    ("map-center", po::value(&c.map_center)->default_value(c.map_center), "where the map opens: LATITUDE,LONGITUDE (e.g. the town hall)")
    ("map-zoom", po::value(&c.map_zoom)->default_value(c.map_zoom), "zoom the map opens at (1-19)")
    ("llm-url", po::value(&c.llm_url), "generative FAQ answers: OpenAI-compatible base URL (POST {url}/chat/completions); unset = unavailable")
    ("llm-key-file", po::value(&c.llm_key_file), "file holding the endpoint's API key (MADOGUCHI_LLM_KEY wins)")
    ("llm-model", po::value(&c.llm_model), "model name sent to the endpoint")
    ("llm-timeout-ms", po::value(&c.llm_timeout_ms)->default_value(c.llm_timeout_ms), "give up on a generative answer after this (ms); the retrieved candidates are shown instead")
    ("llm-concurrency", po::value(&c.llm_concurrency)->default_value(c.llm_concurrency), "generative answers in progress at once; further questions get the plain candidates")
    ("log-level", po::value(&c.log_level)->default_value(c.log_level), "debug, info, warn or error");
  // clang-format on
  po::variables_map vm;
  std::vector<const char*> argv{"serve"};
  for (const auto& a : args) argv.push_back(a.c_str());
  po::store(po::parse_command_line(static_cast<int>(argv.size()), argv.data(), desc), vm);
  po::store(po::parse_environment(desc,
                                  [&](const std::string& env) -> std::string {
                                    if (env.rfind("MADOGUCHI_", 0) != 0) return {};
                                    std::string name = env.substr(10);
                                    for (auto& ch : name)
                                      ch = ch == '_' ? '-' : static_cast<char>(std::tolower(ch));
                                    return desc.find_nothrow(name, false) ? name : std::string{};
                                  }),
            vm);
  if (vm.count("config")) {
    std::ifstream in(vm["config"].as<std::string>());
    if (!in) throw std::runtime_error("cannot read config file " + vm["config"].as<std::string>());
    po::store(po::parse_config_file(in, desc), vm);
  }
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return std::nullopt;
  }
  // Two missed heartbeats must still leave the lease standing.
  if (c.lease_ms < 1000 || c.heartbeat_ms < 100 || c.heartbeat_ms * 3 > c.lease_ms)
    throw std::runtime_error(
        "--lease-ms must be >= 1000 and --heartbeat-ms between 100 and a third of it");
  return c;
}

std::string resolve_database_url(const ServeConfig& c) {
  if (!c.database.empty()) return c.database;
  fs::create_directories(c.data_dir);
  return "sqlite:" + (fs::path(c.data_dir) / "madoguchi.db").string();
}

std::string resolve_secret_key(const ServeConfig& c, bool& created, std::string& source) {
  created = false;
  // Read directly, not as an option: a key on the command line would show in `ps`.
  if (const char* env = std::getenv("MADOGUCHI_SECRET_KEY"); env && *env) {
    source = "MADOGUCHI_SECRET_KEY";
    return crypto::parse_secret_key(env);
  }
  fs::path path =
      c.secret_key_file.empty() ? fs::path(c.data_dir) / "secret.key" : fs::path(c.secret_key_file);
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  source = path.string();
  return crypto::load_or_create_key_file(path.string(), created);
}

}  // namespace mg::app
