#include "faq/store.h"

#include "core/json.h"
#include "core/json_parse.h"
#include "core/json_strings.h"

namespace mg::faq {

namespace {

constexpr const char* kEntryColumns =
    "id, external_id, question, alternatives, answer, category, department, url, valid_from, "
    "valid_until, created_at, updated_at";

Entry entry_of(const store::Row& r) {
  Entry e;
  e.id = r.i64(0);
  e.external_id = r.str(1);
  e.question = r.str(2);
  e.alternatives = stored_strings(r.str(3));
  e.answer = r.str(4);
  e.category = r.str(5);
  e.department = r.str(6);
  e.url = r.str(7);
  e.valid_from = r.str(8);
  e.valid_until = r.str(9);
  e.created_at = r.i64(10);
  e.updated_at = r.i64(11);
  return e;
}

LoggedQuestion question_of(const store::Row& r) {
  return {r.i64(0), r.str(1),     r.str(2),      r.str(3), r.opt_i64(4),
          r.f64(5), r.opt_i64(6), r.i64(7) != 0, r.i64(8)};
}

constexpr const char* kQuestionColumns =
    "id, channel, question, outcome, entry_id, score, resolved, handled, created_at";

}  // namespace

std::vector<Entry> list_entries(store::Tx& tx, int64_t tenant_id) {
  std::vector<Entry> out;
  tx.each(
      std::string("SELECT ") + kEntryColumns + " FROM faq_entries WHERE tenant_id = ? ORDER BY id",
      {tenant_id}, [&](const store::Row& r) {
        out.push_back(entry_of(r));
        return true;
      });
  return out;
}

std::optional<Entry> get_entry(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto r = tx.one(
      std::string("SELECT ") + kEntryColumns + " FROM faq_entries WHERE tenant_id = ? AND id = ?",
      {tenant_id, id});
  if (!r) return std::nullopt;
  return entry_of(*r);
}

int64_t insert_entry(store::Tx& tx, int64_t tenant_id, const Entry& e, int64_t now_ms) {
  return tx.insert_id(
      "INSERT INTO faq_entries(tenant_id, external_id, question, alternatives, answer, category, "
      "department, url, valid_from, valid_until, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?, ?, ?) RETURNING id",
      {tenant_id, e.external_id, e.question, strings_json(e.alternatives), e.answer, e.category,
       e.department, e.url, e.valid_from, e.valid_until, now_ms, now_ms});
}

bool update_entry(store::Tx& tx, int64_t tenant_id, const Entry& e, int64_t now_ms) {
  return tx.exec(
             "UPDATE faq_entries SET external_id = ?, question = ?, alternatives = ?, answer = ?, "
             "category = ?, department = ?, url = ?, valid_from = ?, valid_until = ?, "
             "updated_at = ? WHERE tenant_id = ? AND id = ?",
             {e.external_id, e.question, strings_json(e.alternatives), e.answer, e.category,
              e.department, e.url, e.valid_from, e.valid_until, now_ms, tenant_id, e.id}) > 0;
}

bool delete_entry(store::Tx& tx, int64_t tenant_id, int64_t id) {
  return tx.exec("DELETE FROM faq_entries WHERE tenant_id = ? AND id = ?", {tenant_id, id}) > 0;
}

int64_t count_entries(store::Tx& tx, int64_t tenant_id) {
  return tx.one("SELECT COUNT(*) FROM faq_entries WHERE tenant_id = ?", {tenant_id})->i64(0);
}

std::vector<std::vector<std::string>> load_synonyms(store::Tx& tx, int64_t tenant_id) {
  std::vector<std::vector<std::string>> out;
  tx.each("SELECT words FROM faq_synonyms WHERE tenant_id = ? ORDER BY id", {tenant_id},
          [&](const store::Row& r) {
            out.push_back(stored_strings(r.str(0)));
            return true;
          });
  return out;
}

void replace_synonyms(store::Tx& tx, int64_t tenant_id,
                      const std::vector<std::vector<std::string>>& groups, int64_t now_ms) {
  tx.exec("DELETE FROM faq_synonyms WHERE tenant_id = ?", {tenant_id});
  for (const auto& g : groups)
    tx.exec("INSERT INTO faq_synonyms(tenant_id, words, updated_at) VALUES (?, ?, ?)",
            {tenant_id, strings_json(g), now_ms});
}

std::string revision(store::Tx& tx, int64_t tenant_id) {
  auto e = tx.one(
      "SELECT COUNT(*), COALESCE(MAX(updated_at), 0), COALESCE(MAX(id), 0) FROM faq_entries "
      "WHERE tenant_id = ?",
      {tenant_id});
  auto s = tx.one(
      "SELECT COUNT(*), COALESCE(MAX(updated_at), 0), COALESCE(MAX(id), 0) FROM faq_synonyms "
      "WHERE tenant_id = ?",
      {tenant_id});
  return std::to_string(e->i64(0)) + "/" + std::to_string(e->i64(1)) + "/" +
         std::to_string(e->i64(2)) + "|" + std::to_string(s->i64(0)) + "/" +
         std::to_string(s->i64(1)) + "/" + std::to_string(s->i64(2));
}

int64_t log_question(store::Tx& tx, int64_t tenant_id, const std::string& channel,
                     const std::string& question, const std::string& outcome,
                     std::optional<int64_t> entry_id, double score, const std::string& token,
                     int64_t now_ms) {
  return tx.insert_id(
      "INSERT INTO faq_questions(tenant_id, channel, question, outcome, entry_id, score, token, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {tenant_id, channel, question, outcome, store::opt(entry_id), score, token, now_ms});
}

bool record_feedback(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& token,
                     bool resolved) {
  return tx.exec(
             "UPDATE faq_questions SET resolved = ? WHERE tenant_id = ? AND id = ? AND token = ?",
             {int64_t{resolved ? 1 : 0}, tenant_id, id, token}) > 0;
}

std::vector<LoggedQuestion> unanswered(store::Tx& tx, int64_t tenant_id, int64_t limit) {
  std::vector<LoggedQuestion> out;
  tx.each(std::string("SELECT ") + kQuestionColumns +
              " FROM faq_questions WHERE tenant_id = ? AND handled = 0 AND (outcome = "
              "'unanswered' OR resolved = 0) ORDER BY created_at DESC, id DESC LIMIT ?",
          {tenant_id, limit}, [&](const store::Row& r) {
            out.push_back(question_of(r));
            return true;
          });
  return out;
}

std::optional<LoggedQuestion> get_question(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto r = tx.one(std::string("SELECT ") + kQuestionColumns +
                      " FROM faq_questions WHERE tenant_id = ? AND id = ?",
                  {tenant_id, id});
  if (!r) return std::nullopt;
  return question_of(*r);
}

bool mark_handled(store::Tx& tx, int64_t tenant_id, int64_t id, std::optional<int64_t> entry_id) {
  return tx.exec(
             "UPDATE faq_questions SET handled = 1, entry_id = COALESCE(?, entry_id) WHERE "
             "tenant_id = ? AND id = ?",
             {store::opt(entry_id), tenant_id, id}) > 0;
}

std::optional<int64_t> answered_entry(store::Tx& tx, int64_t tenant_id, int64_t id,
                                      const std::optional<std::string>& token, int64_t since_ms) {
  auto r = tx.one(
      "SELECT entry_id, token FROM faq_questions WHERE tenant_id = ? AND id = ? AND outcome IN "
      "('answered', 'chosen') AND entry_id IS NOT NULL AND created_at >= ?",
      {tenant_id, id, since_ms});
  if (!r || (token && (token->empty() || r->str(1) != *token))) return std::nullopt;
  return r->i64(0);
}

}  // namespace mg::faq
