#include "applications/results.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "applications/inbox.h"
#include "applications/model.h"
#include "conversation/date_parse.h"
#include "conversation/question.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "services/store.h"

namespace mg::applications {

namespace conv = mg::conversation;

std::vector<Question> service_questions(store::Tx& tx, int64_t tenant_id, int64_t service_id) {
  std::vector<Question> current, removed;
  std::map<std::string, std::pair<bool, std::size_t>> seen;  // step id -> (in current, index)
  bool newest = true;
  for (const auto& v : services::sql::version_definitions(tx, tenant_id, service_id)) {
    auto parsed = conv::parse_definition(parse_stored_json(v));
    if (!parsed.definition) continue;  // published versions always parse; be safe anyway
    for (const auto& s : parsed.definition->steps) {
      if (!conv::is_question(s)) continue;
      auto& list = newest ? current : removed;
      auto it = seen.find(s.id);
      if (it == seen.end()) {
        Question q;
        q.service_id = service_id;
        q.step_id = s.id;
        q.label = conv::step_label(s);
        q.kind = s.kind;
        q.multiple = s.multiple;
        q.removed = !newest;
        for (const auto& c : s.choices) q.choices.emplace_back(c.value, c.label);
        seen.emplace(s.id, std::make_pair(newest, list.size()));
        list.push_back(std::move(q));
        continue;
      }
      // A step older versions also had: choices they offered that the newer one dropped are
      // still counted, under the label they had.
      auto& q = (it->second.first ? current : removed)[it->second.second];
      for (const auto& c : s.choices)
        if (std::none_of(q.choices.begin(), q.choices.end(),
                         [&](const auto& x) { return x.first == c.value; }))
          q.choices.emplace_back(c.value, c.label);
    }
    newest = false;
  }
  current.insert(current.end(), std::make_move_iterator(removed.begin()),
                 std::make_move_iterator(removed.end()));
  return current;
}

namespace {
std::optional<int64_t> jst_midnight_ms(const std::string& day, const char* field) {
  if (day.empty()) return std::nullopt;
  // Strictly YYYY-MM-DD: the console's date input sends that, and anything else is a mistake.
  bool shape = day.size() == 10 && day[4] == '-' && day[7] == '-';
  for (std::size_t i = 0; shape && i < day.size(); ++i)
    if (i != 4 && i != 7 && (day[i] < '0' || day[i] > '9')) shape = false;
  auto d = shape ? conv::parse_iso_date(day) : std::nullopt;
  if (!d) throw ApiError::bad_request("日付は YYYY-MM-DD の形で正しく指定してください", field);
  return conv::days_from_civil(*d) * 86'400'000 - 9 * 3'600'000;
}
}  // namespace

DayRange day_range(const std::string& from, const std::string& to) {
  DayRange r;
  r.from_ms = jst_midnight_ms(from, "from");
  if (auto t = jst_midnight_ms(to, "to")) r.to_ms = *t + 86'400'000;
  if (r.from_ms && r.to_ms && *r.from_ms >= *r.to_ms)
    throw ApiError::bad_request("開始日は終了日より前の日付にしてください", "from");
  return r;
}

namespace {
std::string range_sql(const DayRange& range, const char* column, store::Params& params) {
  std::string w;
  if (range.from_ms) {
    w += std::string(" AND ") + column + " >= ?";
    params.push_back(*range.from_ms);
  }
  if (range.to_ms) {
    w += std::string(" AND ") + column + " < ?";
    params.push_back(*range.to_ms);
  }
  return w;
}
}  // namespace

Json service_results(store::Db& db, int64_t tenant_id, int64_t service_id, const DayRange& range,
                     const DepartmentScope& scope) {
  return db.read([&](store::Tx& tx) {
    auto service = services::sql::service_name(tx, tenant_id, service_id);
    if (!service) throw ApiError::not_found();
    // Another department's service: as if absent, like its applications.
    if (scope && std::find(scope->begin(), scope->end(), service->department) == scope->end())
      throw ApiError::not_found();
    auto questions = service_questions(tx, tenant_id, service_id);

    // Applications per status, counted by the database. The inbox's WHERE clause, so the
    // results see exactly the applications the list and the export show for these filters.
    ListFilter f;
    f.scope = scope;
    f.service_id = service_id;
    f.from_ms = range.from_ms;
    if (range.to_ms) f.to_ms = *range.to_ms - 1;  // the clause's bound is inclusive
    store::Params params;
    std::string where = where_clause(tenant_id, f, params);
    std::map<std::string, int64_t> by_status;
    int64_t total = 0;
    for (const auto& r :
         tx.query("SELECT a.status, COUNT(*) FROM applications a" + where + " GROUP BY a.status",
                  params)) {
      by_status[r.str(0)] = r.i64(1);
      total += r.i64(1);
    }
    Json statuses = Json::array();
    for (const char* s : {"new", "in_progress", "done", "rejected", "withdrawn"})
      statuses.push_back({{"status", s}, {"label", status_label(s)}, {"count", by_status[s]}});

    // Choice counts: the answers are JSON whose shape SQLite and PostgreSQL query differently,
    // so they are streamed one row at a time and counted here.
    struct Counts {
      std::map<std::string, int64_t> per_value;
      int64_t answered = 0, skipped = 0;
    };
    std::map<std::string, Counts> counts;
    for (const auto& q : questions)
      if (q.kind == conv::StepKind::choice) counts[q.step_id];
    if (!counts.empty())
      tx.each("SELECT a.answers FROM applications a" + where, params, [&](const store::Row& r) {
        Json answers = parse_stored_json(r.str(0));
        if (!answers.is_array()) return true;
        for (const auto& a : answers) {
          if (!a.is_object() || !a.contains("step_id") || !a["step_id"].is_string()) continue;
          auto it = counts.find(a["step_id"].get<std::string>());
          if (it == counts.end()) continue;
          const Json v = a.value("value", Json());
          if (v.is_string()) {
            ++it->second.per_value[v.get<std::string>()];
            ++it->second.answered;
          } else if (v.is_array() && !v.empty()) {
            for (const auto& x : v)
              if (x.is_string()) ++it->second.per_value[x.get<std::string>()];
            ++it->second.answered;
          } else {
            ++it->second.skipped;
          }
        }
        return true;
      });

    Json choice_questions = Json::array();
    std::string first_rating;
    for (const auto& q : questions) {
      if (q.kind == conv::StepKind::rating && first_rating.empty()) first_rating = q.step_id;
      if (q.kind != conv::StepKind::choice) continue;
      auto& c = counts[q.step_id];
      Json choices = Json::array();
      for (const auto& [value, label] : q.choices) {
        auto it = c.per_value.find(value);
        choices.push_back({{"value", value},
                           {"label", label},
                           {"count", it == c.per_value.end() ? 0 : it->second}});
        if (it != c.per_value.end()) c.per_value.erase(it);
      }
      for (const auto& [value, n] : c.per_value)  // values no version lists (should not happen)
        choices.push_back({{"value", value}, {"label", value}, {"count", n}});
      choice_questions.push_back({{"step_id", q.step_id},
                                  {"label", q.label},
                                  {"multiple", q.multiple},
                                  {"removed", q.removed},
                                  {"answered", c.answered},
                                  {"skipped", c.skipped},
                                  {"choices", choices}});
    }

    // The rating distribution, counted by the database. Scores stored before ratings named
    // their step ('') belong to the service's first rating question.
    store::Params rparams{tenant_id, service_id};
    std::string rwhere =
        " WHERE tenant_id = ? AND service_id = ?" + range_sql(range, "created_at", rparams);
    std::map<std::string, std::array<int64_t, 5>> dist;
    for (const auto& r : tx.query(
             "SELECT step_id, score, COUNT(*) FROM ratings" + rwhere + " GROUP BY step_id, score",
             rparams)) {
      std::string step = r.str(0).empty() ? first_rating : r.str(0);
      int64_t score = r.i64(1);
      if (score < 1 || score > 5) continue;
      auto& d = dist[step];
      if (d.empty()) d.fill(0);
      d[static_cast<std::size_t>(score - 1)] += r.i64(2);
    }
    Json ratings = Json::array();
    for (const auto& q : questions) {
      if (q.kind != conv::StepKind::rating) continue;
      std::array<int64_t, 5> d{};
      if (auto it = dist.find(q.step_id); it != dist.end()) d = it->second;
      Json per_score = Json::array();
      int64_t n = 0, sum = 0;
      for (int s = 1; s <= 5; ++s) {
        int64_t k = d[static_cast<std::size_t>(s - 1)];
        per_score.push_back({{"score", s}, {"count", k}});
        n += k;
        sum += k * s;
      }
      ratings.push_back({{"step_id", q.step_id},
                         {"label", q.label},
                         {"removed", q.removed},
                         {"total", n},
                         {"average", n ? Json(static_cast<double>(sum) / n) : Json(nullptr)},
                         {"counts", per_score}});
    }
    return Json{{"service", {{"id", service_id}, {"title", service->title}}},
                {"total", total},
                {"statuses", statuses},
                {"questions", choice_questions},
                {"ratings", ratings}};
  });
}

}  // namespace mg::applications
