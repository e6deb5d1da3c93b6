#include "linesim/request_body.h"

#include <ctime>

#include "core/json_parse.h"
#include "linesim/line_error.h"

namespace mg::linesim {

std::optional<Json> parse_line_body(const http::Request& req, http::Response& error) {
  if (auto ct = req.header("content-type"); ct && ct->find("json") == std::string::npos) {
    error = line_error(415, "Unsupported Media Type");
    return std::nullopt;
  }
  try {
    Json j = parse_json(req.body);
    if (!j.is_object()) {
      error = line_error(400, "The request body could not be parsed as JSON (line: 1, column: 1)");
      return std::nullopt;
    }
    return j;
  } catch (const Json::parse_error& e) {
    // Convert the byte offset into LINE's line/column wording.
    std::size_t byte = e.byte > 0 ? e.byte - 1 : 0, line = 1, col = 1;
    for (std::size_t i = 0; i < byte && i < req.body.size(); ++i) {
      if (req.body[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    error = line_error(400, "The request body could not be parsed as JSON (line: " +
                                std::to_string(line) + ", column: " + std::to_string(col) + ")");
    return std::nullopt;
  }
}

std::string iso8601_utc(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[40];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

}  // namespace mg::linesim
