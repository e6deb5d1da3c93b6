#pragma once
// LINE's error body: {"message": "...", "details": [{"message","property"}]}; details omitted
// when empty. Every Messaging API failure in the sim goes through these helpers.
#include <string>
#include <vector>

#include "core/http.h"

namespace mg::linesim {

struct ErrorDetail {
  std::string message;
  std::string property;
};

// Collects validation problems with the JSON path of the offending property.
class Problems {
 public:
  void add(std::string property, std::string message) {
    items_.push_back({std::move(message), std::move(property)});
  }
  // A value of the wrong JSON type: LINE rejects the whole body with one message naming the
  // property instead of listing details. The first such property wins.
  void invalid_property(const std::string& property) {
    if (invalid_property_.empty()) invalid_property_ = property;
  }
  bool empty() const { return items_.empty() && invalid_property_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<ErrorDetail>& items() const { return items_; }
  // "The request body has N error(s)" with details, status 400.
  http::Response to_response() const;

 private:
  std::vector<ErrorDetail> items_;
  std::string invalid_property_;
};

http::Response line_error(int status, const std::string& message,
                          const std::vector<ErrorDetail>& details = {});

namespace msg {
inline constexpr const char* kAuthFailed =
    "Authentication failed. Confirm that the access token in the authorization header is valid.";
inline constexpr const char* kAuthMissing =
    "Authorization header required. Must follow the scheme, 'Authorization: Bearer <ACCESS "
    "TOKEN>'";
inline constexpr const char* kRateLimited =
    "The API rate limit has been exceeded. Try again later.";
inline constexpr const char* kMonthlyLimit = "You have reached your monthly limit.";
inline constexpr const char* kInvalidReplyToken = "Invalid reply token";
inline constexpr const char* kRetryKeyAccepted = "The retry key is already accepted";
inline constexpr const char* kNotFound = "Not found";
inline constexpr const char* kInternal = "An internal error occurred. Please try again later.";
}  // namespace msg

}  // namespace mg::linesim
