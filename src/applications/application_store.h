#pragma once
// SQL for applications and what hangs off them in a resident's turn: their events, ratings
// and the daily lookup-failure counter. No rules here: chat.cpp and inbox.cpp decide.
#include <optional>
#include <string>

#include "applications/model.h"
#include "store/db.h"

namespace mg::applications::sql {

struct NewApplication {
  int64_t tenant_id = 0, service_id = 0, version_id = 0, session_id = 0, resident_id = 0;
  std::string session_public_id, channel, department;
  Json answers;
  std::string search_text;
  int64_t total_fee = 0, now = 0;
  Json consent;  // null: none asked
};
// Inserted with a placeholder receipt number (set_receipt gives the real one, which needs the
// id); returns the id.
int64_t insert_application(store::Tx& tx, const NewApplication& a);
void set_receipt(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& receipt);
// A resubmitted correction: new answers, and 完了 goes back to 処理中.
void replace_answers(store::Tx& tx, int64_t tenant_id, int64_t id, const Json& answers,
                     const std::string& search_text, int64_t now);

struct ApplicationRef {
  int64_t id = 0, service_id = 0, version_id = 0, resident_id = 0;
  std::string receipt_number;
  Json answers;
};
std::optional<ApplicationRef> application_by_id(store::Tx& tx, int64_t tenant_id, int64_t id);
// The application a chat session created, if any.
std::optional<ApplicationRef> application_of_session(store::Tx& tx, int64_t tenant_id,
                                                     int64_t session_id);
// Takes the application's row lock (PostgreSQL), as staff's updates do; false when absent.
bool lock_application(store::Tx& tx, int64_t tenant_id, int64_t id);

// The application's status and department, row-locked (PostgreSQL), when it is in the scope.
struct LockedApplication {
  std::string status, department;
};
std::optional<LockedApplication> lock_in_scope(store::Tx& tx, int64_t tenant_id, int64_t id,
                                               const DepartmentScope& scope);
void set_status(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& status,
                int64_t now);
void set_memo(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& memo, int64_t now);
void set_assignee(store::Tx& tx, int64_t tenant_id, int64_t id, std::optional<int64_t> staff_id,
                  int64_t now);

// staff_id: the staff member who acted (nullopt for the resident or the system).
void add_event(store::Tx& tx, int64_t tenant_id, int64_t application_id, int64_t at,
               const std::string& kind, const Json& detail,
               std::optional<int64_t> staff_id = std::nullopt);
void add_rating(store::Tx& tx, int64_t tenant_id, int64_t service_id,
                std::optional<int64_t> application_id, int score, int64_t at,
                const std::string& step_id);

int lookup_failures(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const std::string& day);
void add_lookup_failure(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                        const std::string& day);

// Corrections (不備): a staff request that a resident answer some steps again.
struct CorrectionRow {
  int64_t application_id = 0, service_id = 0;
  Json step_ids;
  std::string reason, status, receipt_number;
  std::optional<std::string> session_public_id, session_status;  // its current dialog
};
// The application of the resident's own correction; nullopt when absent or someone else's.
std::optional<int64_t> correction_application(store::Tx& tx, int64_t tenant_id,
                                              int64_t correction_id, int64_t resident_id);
std::optional<CorrectionRow> correction_by_id(store::Tx& tx, int64_t tenant_id,
                                              int64_t correction_id);
// Open corrections of the application give way to a new one.
void supersede_open_corrections(store::Tx& tx, int64_t tenant_id, int64_t application_id,
                                int64_t now);
void insert_correction(store::Tx& tx, int64_t tenant_id, int64_t application_id,
                       const std::vector<std::string>& step_ids, const std::string& reason,
                       int64_t session_id, int64_t staff_id, int64_t now);
void set_correction_session(store::Tx& tx, int64_t tenant_id, int64_t correction_id,
                            int64_t session_id);
// The correction answered by this dialog is resolved.
void resolve_correction(store::Tx& tx, int64_t tenant_id, int64_t application_id,
                        int64_t session_id, int64_t now);

struct ApplicationCounts {
  int64_t total = 0, open = 0;  // open: 未対応 or 処理中
};
// Within the departments the staff member may see.
// The same as subqueries (total, open) for a page asking several capabilities at once.
std::vector<store::Subquery> count_applications_queries(int64_t tenant_id,
                                                        const DepartmentScope& scope);
ApplicationCounts count_applications(store::Tx& tx, int64_t tenant_id,
                                     const DepartmentScope& scope);

}  // namespace mg::applications::sql
