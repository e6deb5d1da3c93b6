#include "linesim/line_error.h"

namespace mg::linesim {

http::Response line_error(int status, const std::string& message,
                          const std::vector<ErrorDetail>& details) {
  Json body = {{"message", message}};
  if (!details.empty()) {
    Json arr = Json::array();
    for (const auto& d : details) arr.push_back({{"message", d.message}, {"property", d.property}});
    body["details"] = std::move(arr);
  }
  return http::Response::json(body, status);
}

http::Response Problems::to_response() const {
  if (!invalid_property_.empty())
    return line_error(400, "The property, '" + invalid_property_ +
                               "', in the request body is invalid (line: -, column: -)");
  return line_error(400, "The request body has " + std::to_string(items_.size()) + " error(s)",
                    items_);
}

}  // namespace mg::linesim
