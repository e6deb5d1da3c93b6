#pragma once
// The staff side of applications: list and filter, detail with history, status workflow,
// memo and assignment, correction requests (不備), and a streamed CSV export.
#include <functional>
#include <string>
#include <vector>

#include "applications/chat.h"
#include "applications/model.h"
#include "auth/model.h"
#include "store/db.h"

namespace mg::applications {

class Inbox {
 public:
  Inbox(store::Db& db, ChatService& chat) : db_(db), chat_(chat) {}

  Json list(int64_t tenant_id, const ListFilter& f);
  // ApiError 404 for another tenant's application or one outside the scope (as if absent).
  Json detail(int64_t tenant_id, int64_t id, const DepartmentScope& scope = std::nullopt);
  // {status?, memo?, assignee_id?}; ApiError 400 naming the field on bad values.
  Json update(const auth::Principal& who, int64_t id, const Json& body);
  Json request_correction(const auth::Principal& who, int64_t id,
                          const std::vector<std::string>& step_ids, const std::string& reason);
  // A chunk producer for http::Response::stream (keyset pages; memory stays flat).
  std::function<bool(std::string&)> export_csv(int64_t tenant_id, const ListFilter& f);

  // For the resident's "my applications" page.
  Json for_resident(int64_t tenant_id, int64_t resident_id);

  // The newest applications in scope, in the caller's transaction (the dashboard asks its
  // counts in the same one), without the total a list page needs.
  Json recent(store::Tx& tx, int64_t tenant_id, int limit, const DepartmentScope& scope);

 private:
  store::Db& db_;
  ChatService& chat_;
};

// What `who` may see: admins every department, others their own.
DepartmentScope department_scope(const auth::Principal& who);
// " AND <column> IN (...)" for a limited scope ("" for all, a false condition for none).
std::string scope_condition(const DepartmentScope& scope, const std::string& column,
                            store::Params& params);
// {items:[{receipt_number, service_title, status, status_label, submitted_at, service_id,
// correction?}]}, newest first (at most 100): the resident's own applications, in the caller's
// transaction (the LINE desk answers 申請した手続き with it).
Json resident_applications(store::Tx& tx, int64_t tenant_id, int64_t resident_id);

// Builds the WHERE clause shared by list and export. Appends to params.
std::string where_clause(int64_t tenant_id, const ListFilter& f, store::Params& params);
// Quotes a CSV field (RFC 4180) and neutralises spreadsheet formulas: a cell starting with
// = + - @ TAB or CR, also after leading blanks, gets an apostrophe in front.
std::string csv_field(const std::string& s);

}  // namespace mg::applications
