#pragma once
// Parses a Messaging API request body and reports failures the way LINE does.
#include <optional>

#include "core/http.h"

namespace mg::linesim {

// The body as a JSON object, or LINE's 400 ("could not be parsed as JSON (line, column)")
// or 415 (not JSON) response in `error`.
std::optional<Json> parse_line_body(const http::Request& req, http::Response& error);

// "2025-01-02T03:04:05.678Z", LINE's timestamp format in progress responses.
std::string iso8601_utc(int64_t ms);

}  // namespace mg::linesim
