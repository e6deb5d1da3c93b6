#include "core/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "core/clock.h"

namespace mg::log {

namespace {
std::atomic<int> g_level{static_cast<int>(Level::info)};
std::mutex g_mu;
const char* name(Level l) {
  switch (l) {
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
  }
  return "info";
}
}  // namespace

void set_level(Level level) { g_level = static_cast<int>(level); }

bool enabled(Level level) { return static_cast<int>(level) >= g_level.load(); }

bool parse_level(const std::string& s, Level& out) {
  for (Level l : {Level::debug, Level::info, Level::warn, Level::error})
    if (s == name(l)) {
      out = l;
      return true;
    }
  return false;
}

void write(Level level, const std::string& msg, const Json& fields) {
  if (static_cast<int>(level) < g_level.load()) return;
  Json line = {{"ts", clock::now_ms()}, {"level", name(level)}, {"msg", msg}};
  if (fields.is_object())
    for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
  std::string out = line.dump(-1, ' ', false, Json::error_handler_t::replace);
  out.push_back('\n');
  std::lock_guard lock(g_mu);
  std::fwrite(out.data(), 1, out.size(), stderr);
}

}  // namespace mg::log
