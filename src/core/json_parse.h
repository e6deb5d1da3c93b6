#pragma once
// The one way to turn text into mg::Json. nlohmann's parser is iterative, but copying and
// dumping a value recurse once per nesting level, so a body nested 200,000 levels deep used to
// overflow the stack and kill the process. Every request body and every stored document is
// parsed here, with a nesting depth and a size cap checked before nlohmann builds anything.
#include <cstddef>
#include <string_view>

#include "core/json.h"

namespace mg {

struct JsonLimits {
  std::size_t max_depth = 64;  // nested arrays/objects; a scalar is depth 0, [] is depth 1
  // Backstop for stored documents; request bodies are already capped by --max-body-bytes.
  std::size_t max_bytes = 64 * 1024 * 1024;
};

// Natural limits of documents staff write (exported templates are ~3 KB).
inline constexpr JsonLimits kServiceDefinitionLimits{64, 1024 * 1024};
// A rich menu may carry its image as base64 (LINE accepts images up to 1 MB).
inline constexpr JsonLimits kRichMenuLimits{64, 2 * 1024 * 1024};

// Deepest nesting of arrays/objects in text, counting brackets outside strings only (escaped
// quotes honoured). Stops counting once the depth passes stop_above. For malformed text the
// figure is meaningless, but never smaller than what nlohmann would build before failing.
std::size_t json_nesting_depth(std::string_view text, std::size_t stop_above);

// Like Json::parse(text): throws Json::parse_error on malformed text, JsonLimitError (an
// ApiError, core/json_limit_error.h) when over the limits.
Json parse_json(std::string_view text, JsonLimits limits = {});

// Like Json::parse(text, nullptr, false): malformed text gives a discarded value; over the
// limits still throws JsonLimitError (a limit is not a syntax error the caller could repair).
Json parse_json_or_discarded(std::string_view text, JsonLimits limits = {});

// For documents we stored ourselves (a row may predate these limits) and answers of services
// we call: malformed or over the limits both give a discarded value, so one bad row reads as
// unreadable instead of failing every reader, a job claim or a LINE event batch.
Json parse_stored_json(std::string_view text, JsonLimits limits = {});

namespace http {
struct Request;
// Request::json_body() with limits other than the defaults (documents with a natural size).
Json json_body(const Request& req, JsonLimits limits);
}  // namespace http

}  // namespace mg
