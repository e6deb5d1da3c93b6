#pragma once
#include <stdexcept>
#include <string>

#include "core/json.h"

namespace mg {

// An error that reaches the client as {"error":{"code","message","field"}} with an HTTP status.
// Services throw it for bad input; routes never build error bodies by hand.
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, std::string message, std::string field = {})
      : std::runtime_error(message),
        status_(status),
        code_(std::move(code)),
        field_(std::move(field)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& field() const { return field_; }
  // Optional list of precise problems (e.g. validation issues per step), sent as error.details.
  const Json& details() const { return details_; }
  ApiError& with_details(Json d) {
    details_ = std::move(d);
    return *this;
  }

  static ApiError bad_request(std::string message, std::string field = {}) {
    return ApiError(400, "invalid", std::move(message), std::move(field));
  }
  static ApiError not_found(std::string message = "見つかりません") {
    return ApiError(404, "not_found", std::move(message));
  }
  static ApiError forbidden(std::string message = "権限がありません") {
    return ApiError(403, "forbidden", std::move(message));
  }
  static ApiError unauthorized(std::string message = "ログインしてください") {
    return ApiError(401, "unauthorized", std::move(message));
  }
  static ApiError conflict(std::string message, std::string field = {}) {
    return ApiError(409, "conflict", std::move(message), std::move(field));
  }

 private:
  int status_;
  std::string code_;
  std::string field_;
  Json details_;
};

}  // namespace mg
