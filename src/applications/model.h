#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"

namespace mg::applications {

// 未対応 → 処理中 → 完了, plus 却下 and 取り下げ.
inline bool valid_status(const std::string& s) {
  return s == "new" || s == "in_progress" || s == "done" || s == "rejected" || s == "withdrawn";
}
inline const char* status_label(const std::string& s) {
  if (s == "new") return "未対応";
  if (s == "in_progress") return "処理中";
  if (s == "done") return "完了";
  if (s == "rejected") return "却下";
  if (s == "withdrawn") return "取り下げ";
  return "";
}

struct ChatTurn {
  std::string session_id;  // public id
  Json prompts = Json::array();
  bool done = false;
  std::optional<std::string> receipt_number;
  int64_t resident_id = 0;
  Json to_json() const {
    Json j = {{"session_id", session_id}, {"prompts", prompts}, {"done", done}};
    if (receipt_number) j["receipt_number"] = *receipt_number;
    return j;
  }
};

// A correction request (不備) as the resident who must answer it sees it.
struct CorrectionChat {
  int64_t correction_id = 0, service_id = 0;
  std::string session_id, reason, receipt_number, service_title;
  Json to_json() const {
    return {{"id", correction_id},      {"session_id", session_id},
            {"reason", reason},         {"receipt_number", receipt_number},
            {"service_id", service_id}, {"service_title", service_title}};
  }
};
// The departments whose applications a staff member may see; nullopt: all (admins).
using DepartmentScope = std::optional<std::vector<std::string>>;

struct ListFilter {
  std::string status, department, q;
  DepartmentScope scope;  // set from the caller, never from the query string
  std::optional<int64_t> service_id;
  std::optional<int64_t> from_ms, to_ms;
  int64_t limit = 50, offset = 0;
};

}  // namespace mg::applications
