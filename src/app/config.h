#pragma once
#include <optional>
#include <string>
#include <vector>

namespace mg::app {

// Settings of `madoguchi serve`. Each comes from (highest first) the command line, an
// environment variable MADOGUCHI_<NAME> (dashes as underscores), or the --config file
// (INI: name = value).
struct ServeConfig {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./data";
  std::string database;       // default: sqlite:<data_dir>/madoguchi.db
  std::string web_root;       // default: web/dist beside the binary's project, else ./web/dist
  std::string templates_dir;  // default: templates beside web_root's project
  std::string public_url;     // for webhook URLs shown to admins; default http://<listen>
  bool demo = false;
  std::string demo_line_sim;    // line-sim base URL to wire the demo tenant to
  std::string line_api_allow;   // LINE API bases allowed besides LINE's own ("URL[,URL]")
  std::string secret_key_file;  // default <data_dir>/secret.key (MADOGUCHI_SECRET_KEY wins)
  int job_workers = 2;
  // Claimed work (LINE outbox rows, jobs) is leased: a process renews its leases every
  // heartbeat_ms; another process takes over work whose lease ran out (its holder died) after
  // at most lease_ms. Shorter: faster takeover, more renewal writes, and a stalled process
  // loses work sooner (it then stops before sending; see docs/operations.md).
  int lease_ms = 10'000;
  int heartbeat_ms = 2'000;
  // SIGTERM: serve this long with /healthz 503 and connections closed after each response
  // (a load balancer moves away), then stop accepting and finish in-flight requests.
  int drain_ms = 0;
  int line_senders = 32;  // concurrent Messaging API calls (each is a blocking request)
  double line_multicast_per_second = 100;  // per LINE channel and process (LINE allows 200)
  int outbox_retention_days = 30;          // sent LINE messages and finished campaign batches
  int db_pool = 0;
  int io_threads = 0;
  std::size_t max_body_bytes = 10 * 1024 * 1024;
  bool secure_cookies = false;
  // Tests only: POST /api/test/clock (admin) moves the process clock, so timed things (waitlist
  // offers expiring) are tested without waiting. Never in production.
  bool test_clock = false;
  std::string log_level = "info";
  int session_idle_minutes = 60;
  std::string trusted_proxy;    // comma-separated; empty: the socket peer is the client
  std::string metrics_token;    // empty: /metrics only for direct loopback connections
  int max_connections = 1000;   // lowered to fit RLIMIT_NOFILE at startup
  int max_event_streams = 200;  // server-sent event streams open at once (hand-off queue, chat)
  // Residents' photo uploads: per device and day (ten times that per address), and how long
  // an upload no application claims is kept.
  int upload_daily_count = 20;
  int upload_daily_mb = 100;
  int upload_unclaimed_seconds = 24 * 3600;
  // The map of residents' location questions (channels/web/map_settings.h).
  std::string map_tiles = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  std::string map_attribution = "© OpenStreetMap contributors";
  std::string map_center = "35.6812,139.7671";
  int map_zoom = 15;
  // Generative FAQ answers (faq/generative.h): an OpenAI-compatible endpoint; without a URL
  // the feature is unavailable. The key: MADOGUCHI_LLM_KEY, else the key file.
  std::string llm_url;
  std::string llm_key_file;
  std::string llm_model;
  int llm_timeout_ms = 8000;
  // Calls waiting on the endpoint at once; more questions get the plain candidates, so a slow
  // endpoint cannot hold every request worker.
  int llm_concurrency = 2;
};

// Parses argv for `serve`. Returns nullopt after printing --help.
std::optional<ServeConfig> parse_serve_args(const std::vector<std::string>& args);
std::string resolve_database_url(const ServeConfig& c);
// The 32-byte key secrets are sealed with: MADOGUCHI_SECRET_KEY (hex or base64), else the key
// file (created with mode 0600 on first start). Throws when unusable (e.g. a key file others
// can read). `created` is set when a new key file was written.
std::string resolve_secret_key(const ServeConfig& c, bool& created, std::string& source);

}  // namespace mg::app
