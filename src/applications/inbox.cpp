#include "applications/inbox.h"

#include <algorithm>
#include <map>
#include <memory>

#include "applications/application_store.h"
#include "applications/session_store.h"
#include "applications/status.h"
#include "auth/store.h"

#include "auth/service.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "jobs/queue.h"

namespace mg::applications {

DepartmentScope department_scope(const auth::Principal& who) {
  if (who.all_departments()) return std::nullopt;
  return who.departments;
}

std::string scope_condition(const DepartmentScope& scope, const std::string& column,
                            store::Params& params) {
  if (!scope) return "";
  if (scope->empty()) return " AND 1 = 0";  // no department: nothing to see
  std::string c = " AND " + column + " IN (";
  for (std::size_t i = 0; i < scope->size(); ++i) {
    c += i ? ", ?" : "?";
    params.push_back((*scope)[i]);
  }
  return c + ")";
}

std::string where_clause(int64_t tenant_id, const ListFilter& f, store::Params& params) {
  std::string w = " WHERE a.tenant_id = ?";
  params.push_back(tenant_id);
  w += scope_condition(f.scope, "a.department", params);
  if (!f.status.empty()) {
    w += " AND a.status = ?";
    params.push_back(f.status);
  }
  if (!f.department.empty()) {
    w += " AND a.department = ?";
    params.push_back(f.department);
  }
  if (f.service_id) {
    w += " AND a.service_id = ?";
    params.push_back(*f.service_id);
  }
  if (f.from_ms) {
    w += " AND a.submitted_at >= ?";
    params.push_back(*f.from_ms);
  }
  if (f.to_ms) {
    w += " AND a.submitted_at <= ?";
    params.push_back(*f.to_ms);
  }
  if (!f.q.empty()) {
    // Literal substring match: escape LIKE's wildcards in what staff typed.
    std::string pat;
    for (char c : f.q) {
      if (c == '%' || c == '_' || c == '\\') pat.push_back('\\');
      pat.push_back(c);
    }
    w += " AND a.search_text LIKE ? ESCAPE '\\'";
    params.push_back("%" + pat + "%");
  }
  return w;
}

namespace {
// OWASP's CSV injection rule: a cell a spreadsheet could read as a formula starts with = + - @
// TAB or CR. Spreadsheets also skip leading blanks before a formula, so the check looks past
// spaces, line breaks and the ideographic space residents type in Japanese.
bool formula_like(const std::string& v) {
  if (!v.empty() && (v[0] == '\t' || v[0] == '\r')) return true;
  std::size_t i = 0;
  while (i < v.size()) {
    if (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n')
      ++i;
    else if (v.compare(i, 3, "\xE3\x80\x80") == 0)
      i += 3;
    else
      break;
  }
  return i < v.size() && (v[i] == '=' || v[i] == '+' || v[i] == '-' || v[i] == '@');
}
}  // namespace

std::string csv_field(const std::string& s) {
  std::string v = formula_like(s) ? "'" + s : s;
  bool quote = v.find_first_of(",\"\r\n") != std::string::npos;
  if (!quote) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

namespace {

constexpr const char* kListCols =
    "SELECT a.id, a.receipt_number, s.title, a.status, a.assignee_id, COALESCE(st.name, ''), "
    "a.submitted_at, a.channel, a.department, a.total_fee, a.memo, a.answers, a.updated_at, "
    "a.service_id, a.version_id FROM applications a JOIN services s ON s.id = a.service_id LEFT "
    "JOIN staff st ON st.id = a.assignee_id";

Json summary(const store::Row& r) {
  return {{"id", r.i64(0)},
          {"receipt_number", r.str(1)},
          {"service_title", r.str(2)},
          {"status", r.str(3)},
          {"status_label", status_label(r.str(3))},
          {"assignee_id", r.opt_i64(4) ? Json(*r.opt_i64(4)) : Json(nullptr)},
          {"assignee", r.str(5)},
          {"submitted_at", r.i64(6)},
          {"channel", r.str(7)},
          {"department", r.str(8)},
          {"total_fee", r.i64(9)}};
}

// Attachment ids referenced by photo answers ({"attachment_id": n} values).
void collect_attachments(const Json& v, std::vector<int64_t>& out) {
  if (v.is_object()) {
    if (v.contains("attachment_id") && v["attachment_id"].is_number_integer())
      out.push_back(v["attachment_id"].get<int64_t>());
    for (const auto& [k, x] : v.items()) collect_attachments(x, out);
  } else if (v.is_array()) {
    for (const auto& x : v) collect_attachments(x, out);
  }
}

bool correction_open(store::Tx& tx, int64_t tenant_id, int64_t application_id) {
  return tx
      .one(
          "SELECT 1 FROM corrections WHERE tenant_id = ? AND application_id = ? AND status = "
          "'open' LIMIT 1",
          {tenant_id, application_id})
      .has_value();
}

jobs::EnqueueOptions tenant_job(int64_t tenant_id) {
  jobs::EnqueueOptions o;
  o.tenant_id = tenant_id;
  return o;
}

}  // namespace

Json Inbox::list(int64_t tenant_id, const ListFilter& f) {
  return db_.read([&](store::Tx& tx) {
    store::Params params;
    std::string where = where_clause(tenant_id, f, params);
    int64_t total = tx.one("SELECT COUNT(*) FROM applications a" + where, params)->i64(0);
    params.push_back(f.limit);
    params.push_back(f.offset);
    Json items = Json::array();
    for (const auto& r : tx.query(std::string(kListCols) + where +
                                      " ORDER BY a.submitted_at DESC, a.id DESC LIMIT ? OFFSET ?",
                                  params))
      items.push_back(summary(r));
    return Json{{"items", items}, {"total", total}};
  });
}

Json Inbox::detail(int64_t tenant_id, int64_t id, const DepartmentScope& scope) {
  return db_.read([&](store::Tx& tx) {
    store::Params params{tenant_id, id};
    std::string in_scope = scope_condition(scope, "a.department", params);
    auto r =
        tx.one(std::string(kListCols) + " WHERE a.tenant_id = ? AND a.id = ?" + in_scope, params);
    if (!r) throw ApiError::not_found();
    Json out = summary(*r);
    out["memo"] = r->str(10);
    Json answers = parse_stored_json(r->str(11));
    out["answers"] = answers.is_array() ? answers : Json::array();
    out["updated_at"] = r->i64(12);
    out["service_id"] = r->i64(13);
    // {notice_sha256, notice_version?, agreed_at} when the service showed a privacy notice.
    auto consent = tx.one("SELECT privacy_consent FROM applications WHERE tenant_id = ? AND id = ?",
                          {tenant_id, id});
    out["privacy_consent"] =
        consent && consent->opt_str(0) ? parse_stored_json(*consent->opt_str(0)) : Json(nullptr);
    std::vector<int64_t> ids;
    collect_attachments(out["answers"], ids);
    Json attachments = Json::array();
    for (int64_t aid : ids) {
      auto a = tx.one(
          "SELECT id, filename, content_type, size FROM attachments WHERE tenant_id = ? AND id = ?",
          {tenant_id, aid});
      if (a)
        attachments.push_back({{"id", a->i64(0)},
                               {"filename", a->str(1)},
                               {"content_type", a->str(2)},
                               {"size", a->i64(3)}});
    }
    out["attachments"] = attachments;
    Json history = Json::array();
    for (const auto& e : tx.query(
             "SELECT e.at, e.kind, e.detail, COALESCE(s.name, s.email, '') FROM application_events "
             "e LEFT JOIN staff s ON s.id = e.staff_id WHERE e.tenant_id = ? AND e.application_id "
             "= ? ORDER BY e.id",
             {tenant_id, id}))
      history.push_back({{"at", e.i64(0)},
                         {"kind", e.str(1)},
                         {"detail", parse_stored_json(e.str(2))},
                         {"staff", e.str(3)}});
    // Names and question labels beside the stored ids, so the console can say
    // 「担当者を 山田 太郎 に変更」 and 「ふりがな、住所」 instead of raw codes.
    std::map<std::string, std::string> labels;
    for (const auto& ans : out["answers"])
      if (ans.is_object() && ans.contains("step_id") && ans["step_id"].is_string())
        labels[ans["step_id"].get<std::string>()] = ans.value("label", "");
    auto step_labels = [&](const Json& ids) {
      Json names = Json::array();
      if (ids.is_array())
        for (const auto& i : ids) {
          std::string id = i.is_string() ? i.get<std::string>() : "";
          auto it = labels.find(id);
          names.push_back(it != labels.end() && !it->second.empty() ? it->second : id);
        }
      return names;
    };
    for (auto& h : history) {
      auto& d = h["detail"];
      if (!d.is_object()) continue;
      if (d.contains("step_ids")) d["step_labels"] = step_labels(d["step_ids"]);
      if (d.contains("assignee_id") && d["assignee_id"].is_number_integer()) {
        auto st = tx.one(
            "SELECT COALESCE(NULLIF(name, ''), email) FROM staff WHERE tenant_id = ? AND id = ?",
            {tenant_id, d["assignee_id"].get<int64_t>()});
        d["assignee_name"] = st ? st->str(0) : "";
      }
    }
    out["history"] = history;
    Json corrections = Json::array();
    auto code = tx.one("SELECT code FROM tenants WHERE id = ?", {tenant_id});
    for (const auto& c : tx.query(
             "SELECT id, step_ids, reason, status, created_at, resolved_at FROM corrections WHERE "
             "tenant_id = ? AND application_id = ? ORDER BY id",
             {tenant_id, id}))
      corrections.push_back({{"id", c.i64(0)},
                             {"step_ids", parse_stored_json(c.str(1))},
                             {"step_labels", step_labels(parse_stored_json(c.str(1)))},
                             {"reason", c.str(2)},
                             {"status", c.str(3)},
                             {"created_at", c.i64(4)},
                             {"resolved_at", c.opt_i64(5) ? Json(*c.opt_i64(5)) : Json(nullptr)},
                             // The page a web resident opens to answer (staff may send it); it
                             // only works in the browser that applied.
                             {"resident_path", "/t/" + (code ? code->str(0) : std::string()) +
                                                   "/my/correction/" + std::to_string(c.i64(0))}});
    out["corrections"] = corrections;
    // The console offers only these, so staff are not shown choices the server would refuse.
    out["allowed_statuses"] = allowed_statuses(r->str(3), correction_open(tx, tenant_id, id));
    return out;
  });
}

Json Inbox::update(const auth::Principal& who, int64_t id, const Json& body) {
  std::optional<std::string> status, memo;
  std::optional<std::optional<int64_t>> assignee;
  if (body.contains("status")) {
    if (!body["status"].is_string() || !valid_status(body["status"].get<std::string>()))
      throw ApiError::bad_request("状態が正しくありません", "status");
    status = body["status"].get<std::string>();
  }
  if (body.contains("memo")) {
    if (!body["memo"].is_string()) throw ApiError::bad_request("メモは文字列です", "memo");
    memo = body["memo"].get<std::string>();
    if (memo->size() > 10000) throw ApiError::bad_request("メモが長すぎます", "memo");
  }
  if (body.contains("assignee_id")) {
    if (body["assignee_id"].is_null())
      assignee = std::optional<int64_t>{};
    else if (body["assignee_id"].is_number_integer())
      assignee = std::optional<int64_t>{body["assignee_id"].get<int64_t>()};
    else
      throw ApiError::bad_request("担当者の指定が正しくありません", "assignee_id");
  }
  if (!status && !memo && !assignee)
    throw ApiError::bad_request("status, memo, assignee_id のいずれかを指定してください");
  db_.write([&](store::Tx& tx) {
    auto cur = sql::lock_in_scope(tx, who.tenant_id, id, department_scope(who));
    if (!cur) throw ApiError::not_found();
    int64_t now = clock::now_ms();
    Json detail = Json::object();
    if (status && *status != cur->status) {
      if (auto refusal =
              transition_refusal(cur->status, *status, correction_open(tx, who.tenant_id, id)))
        throw ApiError::conflict(*refusal, "status");
      sql::set_status(tx, who.tenant_id, id, *status, now);
      detail["status"] = {{"from", cur->status}, {"to", *status}};
    }
    if (memo) {
      sql::set_memo(tx, who.tenant_id, id, *memo, now);
      detail["memo"] = true;  // the memo itself may hold personal data: not in the audit log
    }
    if (assignee) {
      if (*assignee) {
        auto st = auth::sql::staff_by_id(tx, who.tenant_id, **assignee);
        if (!st) throw ApiError::bad_request("担当者が見つかりません", "assignee_id");
        if (st->deactivated_at != 0)
          throw ApiError::bad_request("無効になっている職員は担当者にできません", "assignee_id");
        // The assignee must be able to open the application: an admin or one of its department.
        if (st->role != "admin" && std::find(st->departments.begin(), st->departments.end(),
                                             cur->department) == st->departments.end())
          throw ApiError::bad_request(
              "この申請の担当課（" + cur->department + "）に所属していない職員は担当者にできません",
              "assignee_id");
      }
      sql::set_assignee(tx, who.tenant_id, id, *assignee, now);
      detail["assignee_id"] = *assignee ? Json(**assignee) : Json(nullptr);
    }
    sql::add_event(tx, who.tenant_id, id, now, "updated", detail, who.staff_id);
    auth::audit(tx, who, "application.update", "application", std::to_string(id), detail);
    if (detail.contains("status"))
      jobs::enqueue(tx, "resident.notify",
                    {{"application_id", id}, {"kind", "status"}, {"status", *status}},
                    tenant_job(who.tenant_id));
  });
  return detail(who.tenant_id, id, department_scope(who));
}

Json Inbox::request_correction(const auth::Principal& who, int64_t id,
                               const std::vector<std::string>& step_ids,
                               const std::string& reason) {
  if (step_ids.empty()) throw ApiError::bad_request("やり直す項目を選んでください", "step_ids");
  if (reason.empty()) throw ApiError::bad_request("理由を入力してください", "reason");
  db_.write([&](store::Tx& tx) {
    // Locked like update() does, so a status change and a new correction cannot interleave.
    if (!sql::lock_in_scope(tx, who.tenant_id, id, department_scope(who)))
      throw ApiError::not_found();
    std::string session = chat_.start_correction(tx, who.tenant_id, id, step_ids, reason);
    int64_t sid = *sql::session_id_of(tx, who.tenant_id, session);
    int64_t now = clock::now_ms();
    // The new request replaces an unanswered one (whose dialog start_correction just closed);
    // left open, it could never be answered and would hold the application from 完了 forever.
    sql::supersede_open_corrections(tx, who.tenant_id, id, now);
    sql::insert_correction(tx, who.tenant_id, id, step_ids, reason, sid, who.staff_id, now);
    sql::add_event(tx, who.tenant_id, id, now, "correction_requested", Json{{"step_ids", step_ids}},
                   who.staff_id);
    auth::audit(tx, who, "application.correction", "application", std::to_string(id),
                {{"step_ids", step_ids}});
    jobs::enqueue(tx, "resident.notify",
                  {{"application_id", id}, {"kind", "correction"}, {"session_id", session}},
                  tenant_job(who.tenant_id));
  });
  return detail(who.tenant_id, id, department_scope(who));
}

Json Inbox::for_resident(int64_t tenant_id, int64_t resident_id) {
  return db_.read([&](store::Tx& tx) { return resident_applications(tx, tenant_id, resident_id); });
}

Json resident_applications(store::Tx& tx, int64_t tenant_id, int64_t resident_id) {
  Json items = Json::array();
  for (const auto& r : tx.query(
           "SELECT a.receipt_number, s.title, a.status, a.submitted_at, (SELECT c.reason FROM "
           "corrections c WHERE c.application_id = a.id AND c.status = 'open' ORDER BY c.id DESC "
           "LIMIT 1), (SELECT cs.public_id FROM corrections c JOIN chat_sessions cs ON cs.id = "
           "c.session_id WHERE c.application_id = a.id AND c.status = 'open' ORDER BY c.id DESC "
           "LIMIT 1), a.service_id, (SELECT c.id FROM corrections c WHERE c.application_id = "
           "a.id AND c.status = 'open' ORDER BY c.id DESC LIMIT 1) FROM applications a JOIN "
           "services s ON s.id = a.service_id "
           "WHERE a.tenant_id = ? AND a.resident_id = ? ORDER BY a.submitted_at DESC LIMIT 100",
           {tenant_id, resident_id})) {
    Json item = {{"receipt_number", r.str(0)}, {"service_title", r.str(1)},
                 {"status", r.str(2)},         {"status_label", status_label(r.str(2))},
                 {"submitted_at", r.i64(3)},   {"service_id", r.i64(6)}};
    if (!r.is_null(4))
      item["correction"] = {{"id", r.i64(7)}, {"reason", r.str(4)}, {"session_id", r.str(5)}};
    items.push_back(item);
  }
  return Json{{"items", items}};
}

Json Inbox::recent(store::Tx& tx, int64_t tenant_id, int limit, const DepartmentScope& scope) {
  ListFilter f;
  f.limit = limit;
  f.scope = scope;
  store::Params params;
  std::string where = where_clause(tenant_id, f, params);
  params.push_back(f.limit);
  params.push_back(f.offset);
  Json items = Json::array();
  for (const auto& r : tx.query(std::string(kListCols) + where +
                                    " ORDER BY a.submitted_at DESC, a.id DESC LIMIT ? OFFSET ?",
                                params))
    items.push_back(summary(r));
  return items;
}

}  // namespace mg::applications
