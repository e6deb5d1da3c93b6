// The staff's CSV export: one row per application, one column per question (headed by its
// label) across every published version of the exported services, the status history and
// the ratings. Town staff open it in Excel: UTF-8 with a BOM, CRLF line ends.
#include <map>
#include <memory>
#include <optional>

#include "applications/inbox.h"
#include "applications/results.h"
#include "applications/status.h"
#include "core/clock.h"
#include "core/json_parse.h"
#include "services/store.h"

namespace mg::applications {

namespace conv = mg::conversation;

namespace {

constexpr int kPageRows = 1000;

// The columns before the questions; 受付日時 and 最終状態 stay near the front for sorting.
constexpr const char* kFixedHeader =
    "受付番号,サービス,受付日時,最終状態,状態履歴,チャネル,担当課,担当者,手数料合計,添付数,"
    "添付ファイル,メモ";

struct Columns {
  std::vector<std::string> headers;
  std::map<std::pair<int64_t, std::string>, std::size_t> index;  // (service, step) -> column
  std::map<int64_t, std::size_t> first_rating;  // service -> column of its first rating step
  std::map<std::pair<int64_t, std::string>, conv::StepKind> kinds;
};

// One service exported: headers are the labels. Several: 「サービス名：ラベル」, so columns of
// different services never merge. Questions only older versions asked come last.
Columns question_columns(store::Tx& tx, int64_t tenant_id, const ListFilter& f) {
  std::vector<std::pair<int64_t, std::string>> chosen;
  if (f.service_id) {
    if (auto s = services::sql::service_name(tx, tenant_id, *f.service_id))
      chosen.emplace_back(s->id, s->title);
  } else {
    for (const auto& s : services::sql::service_names(tx, tenant_id))
      chosen.emplace_back(s.id, s.title);
  }
  bool prefixed = !f.service_id;
  std::vector<std::pair<Question, std::string>> current, removed;  // question, service title
  for (const auto& [id, title] : chosen)
    for (auto& q : service_questions(tx, tenant_id, id))
      (q.removed ? removed : current).emplace_back(std::move(q), title);
  current.insert(current.end(), removed.begin(), removed.end());

  Columns c;
  std::map<std::string, int> uses;
  auto header_of = [&](const Question& q, const std::string& title) {
    std::string h = (prefixed ? title + "：" : "") + q.label;
    if (q.removed) h += "（旧版の質問）";
    return h;
  };
  for (const auto& [q, title] : current) ++uses[header_of(q, title)];
  for (const auto& [q, title] : current) {
    std::string h = header_of(q, title);
    if (uses[h] > 1) h += "（" + q.step_id + "）";  // two questions with one label
    std::size_t col = c.headers.size();
    c.index[{q.service_id, q.step_id}] = col;
    c.kinds[{q.service_id, q.step_id}] = q.kind;
    if (q.kind == conv::StepKind::rating && !c.first_rating.count(q.service_id))
      c.first_rating[q.service_id] = col;
    c.headers.push_back(std::move(h));
  }
  return c;
}

// 「2026-11-30 10:00 受付 → 11:02 処理中 (山田)」: the date is written when it changes.
struct History {
  std::string text, last_day;
  void add(int64_t at, const std::string& what, const std::string& staff) {
    if (what.empty()) return;
    std::string day = clock::date_jst(at);
    if (!text.empty()) text += " → ";
    text += clock::format_jst(at, day == last_day ? "%H:%M" : "%Y-%m-%d %H:%M") + " " + what;
    if (!staff.empty()) text += " (" + staff + ")";
    last_day = day;
  }
};

std::string event_label(const std::string& kind, const Json& detail) {
  if (kind == "submitted") return "受付";
  if (kind == "correction_requested") return "修正依頼";
  if (kind == "corrected") return "修正受付";
  if (kind == "updated" && detail.is_object() && detail.contains("status") &&
      detail["status"].is_object() && detail["status"].value("to", Json()).is_string())
    return status_label(detail["status"]["to"].get<std::string>());
  return "";  // memo and assignee changes are not status history
}

struct PageRow {
  int64_t id = 0, service_id = 0, submitted_at = 0, total_fee = 0;
  std::string receipt, title, status, assignee, channel, department, memo;
  Json answers;
  History history;
  std::vector<std::string> cells;
  std::vector<std::string> attachments;
};

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

std::function<bool(std::string&)> Inbox::export_csv(int64_t tenant_id, const ListFilter& f) {
  struct State {
    int64_t last_id = INT64_MAX;
    bool header = false;
    Columns columns;
  };
  auto st = std::make_shared<State>();
  // Keyset pagination by id: each chunk is its own short read transaction, and everything a
  // page needs (history, ratings, attachments) is read for that page only.
  return [this, tenant_id, f, st](std::string& out) -> bool {
    if (!st->header) {
      st->header = true;
      db_.read([&](store::Tx& tx) { st->columns = question_columns(tx, tenant_id, f); });
      out = std::string("\xEF\xBB\xBF") + kFixedHeader;
      for (const auto& h : st->columns.headers) out += "," + csv_field(h);
      out += "\r\n";
      return true;
    }
    const Columns& cols = st->columns;
    store::Params params;
    std::string where = where_clause(tenant_id, f, params) + " AND a.id < ?";
    params.push_back(st->last_id);
    // The page's ids, for the per-page queries below (one SQL text, so it is prepared once).
    std::string page_ids = "SELECT a.id FROM applications a" + where +
                           " ORDER BY a.id DESC LIMIT " + std::to_string(kPageRows);
    store::Params sub{tenant_id};
    sub.insert(sub.end(), params.begin(), params.end());
    std::vector<PageRow> rows;
    db_.read([&](store::Tx& tx) {
      std::map<int64_t, std::size_t> at;  // application id -> index in rows
      tx.each(
          "SELECT a.id, a.receipt_number, s.title, a.status, COALESCE(st.name, ''), "
          "a.submitted_at, a.channel, a.department, a.total_fee, a.memo, a.answers, a.service_id "
          "FROM applications a JOIN services s ON s.id = a.service_id LEFT JOIN staff st ON st.id "
          "= a.assignee_id" +
              where + " ORDER BY a.id DESC LIMIT " + std::to_string(kPageRows),
          params, [&](const store::Row& r) {
            PageRow p;
            p.id = r.i64(0);
            p.receipt = r.str(1);
            p.title = r.str(2);
            p.status = r.str(3);
            p.assignee = r.str(4);
            p.submitted_at = r.i64(5);
            p.channel = r.str(6);
            p.department = r.str(7);
            p.total_fee = r.i64(8);
            p.memo = r.str(9);
            p.answers = parse_stored_json(r.str(10));
            p.service_id = r.i64(11);
            p.cells.assign(cols.headers.size(), "");
            at[p.id] = rows.size();
            rows.push_back(std::move(p));
            return true;
          });
      if (rows.empty()) return;
      tx.each(
          "SELECT e.application_id, e.at, e.kind, e.detail, COALESCE(NULLIF(s.name, ''), s.email, "
          "'') FROM "
          "application_events e LEFT JOIN staff s ON s.id = e.staff_id WHERE e.tenant_id = ? AND "
          "e.application_id IN (" +
              page_ids + ") ORDER BY e.id",
          sub, [&](const store::Row& e) {
            if (auto it = at.find(e.i64(0)); it != at.end())
              rows[it->second].history.add(
                  e.i64(1), event_label(e.str(2), parse_stored_json(e.str(3))), e.str(4));
            return true;
          });
      for (auto& p : rows) {
        if (!p.answers.is_array()) continue;
        for (const auto& a : p.answers) {
          if (!a.is_object() || !a.value("step_id", Json()).is_string()) continue;
          std::pair<int64_t, std::string> key{p.service_id, a["step_id"].get<std::string>()};
          auto col = cols.index.find(key);
          const Json v = a.value("value", Json());
          bool photo = v.is_object() && v.value("attachment_id", Json()).is_number_integer();
          std::string cell;
          if (photo) {
            // Staff see which file: the name the resident's phone gave it, else its number.
            auto file = tx.one("SELECT filename FROM attachments WHERE tenant_id = ? AND id = ?",
                               {tenant_id, v["attachment_id"].get<int64_t>()});
            cell = file && !file->str(0).empty()
                       ? file->str(0)
                       : "添付" + std::to_string(v["attachment_id"].get<int64_t>());
            p.attachments.push_back(cell);
          } else if (!v.is_null() && !(v.is_array() && v.empty())) {
            // display holds multiple choices' labels joined with 、 as the resident saw them.
            cell = a.value("display", Json()).is_string() ? a["display"].get<std::string>() : "";
          }
          if (col != cols.index.end()) p.cells[col->second] = cell;
        }
      }
      // Ratings asked after submission are not in the answers: they are rows of their own.
      tx.each(
          "SELECT application_id, step_id, score FROM ratings WHERE tenant_id = ? AND "
          "application_id IN (" +
              page_ids + ") ORDER BY id",
          sub, [&](const store::Row& r) {
            auto it = at.find(r.i64(0));
            if (it == at.end()) return true;
            PageRow& p = rows[it->second];
            std::optional<std::size_t> col;
            if (r.str(1).empty()) {
              if (auto c = cols.first_rating.find(p.service_id); c != cols.first_rating.end())
                col = c->second;
            } else if (auto c = cols.index.find({p.service_id, r.str(1)}); c != cols.index.end()) {
              col = c->second;
            }
            if (col) p.cells[*col] = std::to_string(r.i64(2));
            return true;
          });
    });
    for (auto& p : rows) {
      st->last_id = p.id;
      out += csv_field(p.receipt) + "," + csv_field(p.title) + "," +
             clock::format_jst(p.submitted_at, "%Y-%m-%d %H:%M:%S") + "," +
             csv_field(status_label(p.status)) + "," + csv_field(p.history.text) + "," +
             csv_field(p.channel) + "," + csv_field(p.department) + "," + csv_field(p.assignee) +
             "," + std::to_string(p.total_fee) + "," + std::to_string(p.attachments.size()) + "," +
             csv_field(join(p.attachments, "、")) + "," + csv_field(p.memo);
      for (const auto& c : p.cells) out += "," + csv_field(c);
      out += "\r\n";
    }
    return rows.size() == static_cast<std::size_t>(kPageRows);
  };
}

}  // namespace mg::applications
