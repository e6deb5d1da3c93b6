#pragma once
// Structured logs: one JSON object per line on stderr. Callers pass fields explicitly;
// never pass names, addresses, answers or other personal data.
#include <string>

#include "core/json.h"

namespace mg::log {

enum class Level { debug, info, warn, error };
void set_level(Level level);
// "debug", "info", "warn" or "error"; false (and `out` untouched) for anything else.
bool parse_level(const std::string& name, Level& out);
// Lets hot paths skip building fields for a line that would be dropped.
bool enabled(Level level);
void write(Level level, const std::string& msg, const Json& fields = Json::object());
inline void info(const std::string& m, const Json& f = Json::object()) { write(Level::info, m, f); }
inline void warn(const std::string& m, const Json& f = Json::object()) { write(Level::warn, m, f); }
inline void error(const std::string& m, const Json& f = Json::object()) {
  write(Level::error, m, f);
}
inline void debug(const std::string& m, const Json& f = Json::object()) {
  write(Level::debug, m, f);
}

}  // namespace mg::log
