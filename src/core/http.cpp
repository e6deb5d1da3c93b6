#include "core/http.h"

#include <algorithm>
#include <cctype>

#include "core/errors.h"
#include "core/json_parse.h"

namespace mg::http {

namespace {
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

std::optional<std::string> Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return std::nullopt;
}

std::optional<std::string> Request::cookie(std::string_view name) const {
  auto raw = header("cookie");
  if (!raw) return std::nullopt;
  std::string_view rest = *raw;
  while (!rest.empty()) {
    auto semi = rest.find(';');
    std::string_view part = trim(rest.substr(0, semi));
    auto eq = part.find('=');
    if (eq != std::string_view::npos && trim(part.substr(0, eq)) == name)
      return std::string(trim(part.substr(eq + 1)));
    if (semi == std::string_view::npos) break;
    rest.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

std::string Request::query_or(const std::string& key, std::string fallback) const {
  auto it = query.find(key);
  return it == query.end() ? fallback : it->second;
}

Json json_body(const Request& req, JsonLimits limits) {
  if (req.body.empty()) throw ApiError(400, "invalid_json", "リクエスト本文がありません");
  Json j = parse_json_or_discarded(req.body, limits);
  if (j.is_discarded()) throw ApiError(400, "invalid_json", "JSON の形式が正しくありません");
  if (!j.is_object()) throw ApiError(400, "invalid_json", "JSON オブジェクトを送ってください");
  return j;
}

// Bounded like every parse (core/json_parse.h): too deep → 400 json_too_deep.
Json Request::json_body() const { return http::json_body(*this, {}); }

Response Response::json(const Json& j, int status) {
  Response r;
  r.status = status;
  r.body = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

Response Response::text(std::string body, std::string content_type, int status) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

Response Response::error(int status, const std::string& code, const std::string& message,
                         const std::string& field, const Json& details) {
  Json e = {{"code", code}, {"message", message}};
  if (!field.empty()) e["field"] = field;
  if (!details.is_null()) e["details"] = details;
  return json(Json{{"error", e}}, status);
}

std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string url_decode_path(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      auto c = static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      if (c == '/' || c == '\\') {
        out.append(s.substr(i, 3));
      } else {
        out.push_back(c);
      }
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view q) {
  std::map<std::string, std::string> out;
  while (!q.empty()) {
    auto amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    auto eq = part.find('=');
    if (!part.empty()) {
      if (eq == std::string_view::npos)
        out[url_decode(part)] = "";
      else
        out[url_decode(part.substr(0, eq))] = url_decode(part.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace mg::http
