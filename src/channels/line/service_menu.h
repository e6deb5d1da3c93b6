#pragma once
// The list of services a resident can start on LINE, as quick replies (12 per page).
#include <string>
#include <vector>

#include "core/json.h"
#include "services/catalog.h"

namespace mg::line {

inline constexpr size_t kServicesPerPage = 11;

Json service_menu_message(const std::vector<services::ServiceSummary>& services, int page,
                          const std::string& intro);

// The service the resident named by typing, e.g. "粗大ごみ"; nullptr when none or ambiguous.
const services::ServiceSummary* service_named(const std::vector<services::ServiceSummary>& services,
                                              const std::string& text);

}  // namespace mg::line
