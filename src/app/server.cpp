#include "app/server.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "app/demo.h"
#include "app/routes.h"
#include "app/static_files.h"
#include "applications/chat.h"
#include "applications/inbox.h"
#include "channels/line/channel.h"
#include "channels/line/line_messenger.h"
#include "channels/line/resident_notice.h"
#include "channels/web/map_settings.h"
#include "core/clock.h"
#include "core/http_server.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/setting_list.h"
#include "delivery/schedule_routes.h"
#include "faq/generative.h"
#include "garbage/service.h"
#include "jobs/queue.h"
#include "messaging/web_inbox.h"
#include "postal/service.h"
#include "postal/store.h"
#include "reservations/waitlist.h"
#include "residents/store.h"
#include "services/catalog.h"
#include "store/migrations.h"
#include "store/postgres_db.h"

namespace mg::app {

namespace fs = std::filesystem;

std::string default_dir(const std::string& configured, const std::string& rel) {
  if (!configured.empty()) return configured;
  // Prefer the checkout the binary was built from (build/madoguchi -> ../rel), then cwd.
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto p = exe.parent_path().parent_path() / rel;
    if (fs::exists(p)) return p.string();
  }
  return rel;
}

namespace {

// The operator's generative-answer endpoint; the key from the environment or its file.
faq::LlmSettings llm_settings(const ServeConfig& c) {
  faq::LlmSettings s;
  s.url = c.llm_url;
  s.model = c.llm_model;
  s.timeout_ms = std::clamp(c.llm_timeout_ms, 200, 120000);
  s.concurrency = std::clamp(c.llm_concurrency, 1, 64);
  if (!s.url.empty() && s.url.rfind("http://", 0) != 0 && s.url.rfind("https://", 0) != 0)
    throw std::runtime_error("--llm-url must start with http:// or https://");
  if (const char* k = std::getenv("MADOGUCHI_LLM_KEY"); k && *k) {
    s.key = k;
  } else if (!c.llm_key_file.empty()) {
    std::ifstream in(c.llm_key_file);
    if (!in) throw std::runtime_error("cannot read --llm-key-file");
    std::getline(in, s.key);
    while (!s.key.empty() && (s.key.back() == '\r' || s.key.back() == ' ')) s.key.pop_back();
  }
  return s;
}

log::Level parse_level(const std::string& s) {
  log::Level level = log::Level::info;
  log::parse_level(s, level);
  return level;
}

// Integration tests only: MADOGUCHI_TEST_CLOCK_FILE names a file holding an offset in ms that
// moves the process's clock (clock::set_offset_ms), so scheduled deliveries and reminders can
// be tested at 19:00 tomorrow without waiting. Unset in production: no thread, no effect.
class TestClockFile {
 public:
  explicit TestClockFile(const char* path) {
    if (!path || !*path) return;
    path_ = path;
    apply();  // before the first job runs
    thread_ = std::thread([this] {
      while (!stop_.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        apply();
      }
    });
  }
  ~TestClockFile() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }

 private:
  void apply() {
    std::ifstream in(path_);
    long long offset = 0;
    if (in >> offset) clock::set_offset_ms(offset);
  }
  std::string path_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

int serve(const ServeConfig& config) {
  log::set_level(parse_level(config.log_level));
  // Checked first: a bad --map-tiles must stop the server before it touches the database.
  auto map = web::map_settings(config.map_tiles, config.map_attribution, config.map_center,
                               config.map_zoom);
  auto started = std::chrono::steady_clock::now();
  auto db = store::open(resolve_database_url(config), config.db_pool);
  store::migrate(*db);
  residents::carry_over_json_attributes(*db);  // residents.attributes JSON, once

  auth::AuthService auth(*db, config.secure_cookies);
  services::Catalog catalog(*db);
  applications::ChatService chat(*db, catalog, int64_t{config.session_idle_minutes} * 60 * 1000);
  applications::Inbox inbox(*db, chat);
  int64_t demo_tenant = 0;
  if (config.demo) {
    auto demo = ensure_demo(*db, auth);
    demo_tenant = demo.tenant_id;
    if (demo.created) {
      auto dir = default_dir(config.templates_dir, "templates");
      int n = catalog.import_directory(demo.tenant_id, dir);
      log::info("demo templates imported", {{"count", n}});
      // A sample 対象者名簿 so the demo 給付金 service can succeed.
      load_demo_lists(*db, demo.tenant_id, dir + "/sample-lists");
      add_demo_reservations(*db, catalog, demo.tenant_id, dir + "/demo-reservations");
      // A garbage calendar in the 5374 format, as a town would import it.
      if (fs::exists(dir + "/garbage/area_days.csv")) {
        auto g = garbage::import_files(
            *db, demo.tenant_id, garbage::read_directory(dir + "/garbage"), false, std::nullopt);
        log::info("demo garbage calendar imported", {{"areas", static_cast<int64_t>(g.areas)}});
      }
    }
    // A small real extract of Japan Post's data, so postal codes complete addresses in the
    // demo; an operator's full import (`madoguchi postal import`) is never replaced.
    bool postal_empty = db->read([](store::Tx& tx) { return !postal::any(tx); });
    if (postal_empty) {
      auto sample = default_dir("", "tests/data/postal/ken_all_sample.csv");
      if (fs::exists(sample))
        log::info("demo postal codes imported",
                  {{"count", static_cast<int64_t>(postal::import_file(*db, sample).lines)}});
    }
    if (demo.created) {
      std::cout << "Demo municipality created: デモ町 (tenant code: demo)\n"
                << "Staff console: http://" << config.listen << "/console\n"
                << "Demo admin: tenant=demo email=" << demo.admin_email
                << " password=" << demo.admin_password
                << "\n"
                // "password:" (not "=") so scripts reading the admin's password= find one.
                << "Demo operator of 環境課: tenant=demo email=" << demo.operator_email
                << " password: " << demo.operator_password << "\n"
                << "Resident web chat: http://" << config.listen << "/t/demo\n"
                << std::flush;
    }
  }

  jobs::Runner runner(*db, config.job_workers);
  runner.set_lease(config.lease_ms, config.heartbeat_ms);
  StaticFiles web(default_dir(config.web_root, "web/dist"));
  http::Router router;
  faq::FaqService faq;
  faq.configure_llm(llm_settings(config));
  auto line =
      register_all_routes(router, {config, *db, auth, catalog, chat, inbox, runner, web, faq});
  // Uploads no application claimed are removed (the web chat's upload route is in routes.cpp).
  runner.handle("attachments.purge", [&](const jobs::Job&) {
    applications::purge_unclaimed(*db, clock::now_ms(), upload_limits(config).unclaimed_ms);
  });
  runner.every("attachments.purge", "attachments.purge", Json::object(),
               std::clamp<int64_t>(upload_limits(config).unclaimed_ms / 4, 1000, 3600 * 1000));
  // Status changes and correction requests reach each resident through their channel.
  messaging::Dispatch messengers;
  messengers.add("web", std::make_shared<messaging::WebInbox>());
  messengers.add("line", std::make_shared<line::LineMessenger>(chat, config.public_url));
  runner.handle("resident.notify",
                [&](const jobs::Job& job) { line::notify_resident(*db, messengers, job); });
  // Waitlist offers: told through the resident's channel, expired at their time.
  reservations::register_jobs(runner, *db, messengers, system_clock());
  delivery::register_garbage_reminders(runner, *db, messengers);
  if (demo_tenant && !config.demo_line_sim.empty())
    line::configure_demo(
        *db, demo_tenant, config.demo_line_sim,
        default_dir(config.templates_dir, "templates") + "/line/demo-rich-menu.png");

  metrics::gauge("madoguchi_db_pool_size", "Database connections available.",
                 [&db] { return db->pool_size(); });
  metrics::gauge("madoguchi_db_pool_in_use", "Database connections in use.",
                 [&db] { return db->pool_in_use(); });
  metrics::gauge("madoguchi_db_round_trips", "Database replies waited for (PostgreSQL), ever.",
                 [&db] { return static_cast<double>(store::postgres_round_trips(*db)); });
  metrics::gauge("madoguchi_jobs_pending", "Jobs waiting to run.",
                 [&db] { return static_cast<double>(jobs::stats(*db).pending); });
  metrics::gauge("madoguchi_jobs_dead", "Jobs that failed permanently.",
                 [&db] { return static_cast<double>(jobs::stats(*db).dead); });
  metrics::gauge("madoguchi_job_failures", "Job attempts that failed in this process.",
                 [&runner] { return static_cast<double>(runner.failures()); });

  http::ServerOptions so;
  so.listen = config.listen;
  so.io_threads = static_cast<unsigned>(config.io_threads);
  so.max_body_bytes = config.max_body_bytes;
  so.max_connections = static_cast<std::size_t>(std::max(1, config.max_connections));
  so.max_event_streams = static_cast<std::size_t>(std::max(0, config.max_event_streams));
  so.security_headers = true;
  so.extra_img_src = map.img_source;
  so.trusted_proxies = setting_list(config.trusted_proxy);
  http::Server server(so, [&router](http::Request& req) { return router.dispatch(req); });
  auto port = server.bind();
  std::thread drainer;
  std::mutex drain_mu;
  std::condition_variable drain_cv;
  bool drain_cut = false;
  server.on_signal([&] {
    log::info("shutting down", {{"drain_ms", config.drain_ms}});
    if (config.drain_ms <= 0) return server.stop();
    // Draining: the load balancer sees /healthz fail and connections close after each
    // response, so it moves new requests to the other processes; then stop as usual.
    set_draining(true);
    server.drain();
    drainer = std::thread([&] {
      std::unique_lock lock(drain_mu);
      drain_cv.wait_for(lock, std::chrono::milliseconds(config.drain_ms),
                        [&] { return drain_cut; });
      server.stop();
    });
  });
  TestClockFile test_clock(std::getenv("MADOGUCHI_TEST_CLOCK_FILE"));
  runner.start();
  double startup_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  log::info("listening", {{"listen", config.listen},
                          {"port", port},
                          {"database", db->describe()},
                          {"startup_ms", startup_ms},
                          {"web", web.available()}});
  server.run();
  {
    std::lock_guard lock(drain_mu);
    drain_cut = true;
  }
  drain_cv.notify_all();
  if (drainer.joinable()) drainer.join();
  line.stop();
  runner.stop();
  log::info("stopped");
  return 0;
}

}  // namespace mg::app
