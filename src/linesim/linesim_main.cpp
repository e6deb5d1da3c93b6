#include "linesim/linesim_main.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "core/http_server.h"
#include "core/log.h"
#include "linesim/platform.h"

namespace mg::linesim {

namespace {

constexpr const char* kUsage =
    "usage: madoguchi line-sim [--listen ADDR:PORT] [--webhook-url URL]\n"
    "         [--channel-secret S] [--access-token T] [--redelivery] [--state-dir DIR]\n"
    "         [--webhook-threads N] [--log-level debug|info|warn|error]\n";

struct Options {
  std::string listen = "127.0.0.1:8090";
  Config config;
  bool help = false;
  log::Level log_level = log::Level::info;
};

// Accepts "--name value" and "--name=value". argv[0] may be "line-sim" or the program name.
bool parse(int argc, char** argv, Options& o, std::string& error) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "line-sim") continue;
    std::string name = arg, value;
    bool inline_value = false;
    if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      inline_value = true;
    }
    auto take = [&]() -> bool {
      if (inline_value) return true;
      if (i + 1 >= argc) {
        error = name + " needs a value";
        return false;
      }
      value = argv[++i];
      return true;
    };
    if (name == "--help" || name == "-h") {
      o.help = true;
    } else if (name == "--redelivery") {
      o.config.redelivery = true;
    } else if (name == "--listen") {
      if (!take()) return false;
      o.listen = value;
    } else if (name == "--webhook-url") {
      if (!take()) return false;
      o.config.webhook_url = value;
    } else if (name == "--channel-secret") {
      if (!take()) return false;
      o.config.channel_secret = value;
    } else if (name == "--access-token") {
      if (!take()) return false;
      o.config.access_token = value;
    } else if (name == "--state-dir") {
      if (!take()) return false;
      o.config.state_dir = value;
    } else if (name == "--log-level") {
      if (!take()) return false;
      if (!log::parse_level(value, o.log_level)) {
        error = "--log-level must be debug, info, warn or error";
        return false;
      }
    } else if (name == "--webhook-threads") {
      if (!take()) return false;
      try {
        o.config.webhook_threads = static_cast<unsigned>(std::stoul(value));
      } catch (...) {
        error = "--webhook-threads needs a number";
        return false;
      }
    } else {
      error = "unknown option: " + arg;
      return false;
    }
  }
  return true;
}

}  // namespace

int linesim_main(int argc, char** argv) {
  Options o;
  std::string error;
  if (!parse(argc, argv, o, error)) {
    std::cerr << error << "\n" << kUsage;
    return 2;
  }
  if (o.help) {
    std::cout << kUsage;
    return 0;
  }
  log::set_level(o.log_level);
  try {
    Platform platform(o.config);
    http::ServerOptions so;
    so.listen = o.listen;
    so.run_inline = [&platform](const http::Request& r) { return platform.runs_inline(r); };
    http::Server server(so, [&platform](http::Request& req) { return platform.handle(req); });
    unsigned short port = server.bind();
    server.on_signal([&server] { server.stop(); });
    log::write(std::max(o.log_level, log::Level::info), "line-sim listening",
               {{"listen", o.listen},
                {"port", port},
                {"webhookUrl", o.config.webhook_url},
                {"botUserId", platform.bot_user_id()},
                {"redelivery", o.config.redelivery}});
    // Tests read this line to learn the port when --listen ends in :0.
    std::printf("line-sim listening on port %u\n", port);
    std::fflush(stdout);
    server.run();
  } catch (const std::exception& e) {
    log::error("line-sim failed", {{"error", e.what()}});
    return 1;
  }
  return 0;
}

}  // namespace mg::linesim
