#pragma once
// Plain request/response types shared by every route. No Beast/Asio here: only
// core/http_server.cpp includes them, to keep compile times and coupling down.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.h"

namespace mg::http {

// Header names are lower-cased on the way in so lookups are exact.
using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw target incl. query
  std::string path;    // decoded path without query
  std::map<std::string, std::string> query;
  Headers headers;
  std::string body;
  std::string remote_addr;
  std::string request_id;
  std::map<std::string, std::string> params;  // router path parameters
  std::string route;                          // the matched pattern, for metrics/logs

  std::optional<std::string> header(std::string_view name) const;
  std::optional<std::string> cookie(std::string_view name) const;
  std::string query_or(const std::string& key, std::string fallback = {}) const;
  // Parses the body as a JSON object; throws ApiError 400 on malformed JSON or non-object.
  Json json_body() const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  Headers headers;
  std::string body;
  // Streaming body: when set, called repeatedly to produce chunks until it returns false.
  // Runs on a worker thread (never a network thread), so it may query the database.
  std::function<bool(std::string& chunk)> stream;

  static Response json(const Json& j, int status = 200);
  static Response text(std::string body, std::string content_type, int status = 200);
  static Response error(int status, const std::string& code, const std::string& message,
                        const std::string& field = {}, const Json& details = nullptr);
  Response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

using Handler = std::function<Response(Request&)>;

std::string url_decode(std::string_view s);
// For the path of a request target: '+' stays '+', and encoded '/' and '\\' (%2F, %5C) stay
// encoded so a decoded path never gains separators the client did not send as such.
std::string url_decode_path(std::string_view s);
std::string url_encode(std::string_view s);
std::map<std::string, std::string> parse_query(std::string_view q);

}  // namespace mg::http
