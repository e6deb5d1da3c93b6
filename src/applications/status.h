#pragma once
// The application status workflow as one table: which status staff may set from which, and
// what an open correction request (不備, the resident is re-answering) forbids.
#include <optional>
#include <string>
#include <vector>

namespace mg::applications {

// The statuses staff may move an application to from `from`, in display order. While a
// correction is open only 未対応/処理中 remain: a final status would end the resident's
// correction conversation half way.
std::vector<std::string> allowed_statuses(const std::string& from, bool correction_open);

// nullopt when from → to is allowed (an unchanged status always is); otherwise the Japanese
// reason staff see with the 409.
std::optional<std::string> transition_refusal(const std::string& from, const std::string& to,
                                              bool correction_open);

}  // namespace mg::applications
