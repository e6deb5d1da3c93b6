#include "faq/stats.h"

#include <algorithm>
#include <cstdio>

namespace mg::faq {

namespace {
constexpr int64_t kJstMs = 9 * 3600 * 1000;

std::optional<std::chrono::sys_days> parse_day(std::string_view s) {
  namespace chr = std::chrono;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  auto num = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  chr::year_month_day d{chr::year(num(0, 4)), chr::month(static_cast<unsigned>(num(5, 2))),
                        chr::day(static_cast<unsigned>(num(8, 2)))};
  if (!d.ok()) return std::nullopt;
  return chr::sys_days(d);
}
}  // namespace

int64_t Period::from_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(from.time_since_epoch()).count() -
         kJstMs;
}
int64_t Period::end_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             (to + std::chrono::days(1)).time_since_epoch())
             .count() -
         kJstMs;
}

std::string jst_date(std::chrono::sys_days d) {
  std::chrono::year_month_day ymd{d};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<Period> parse_period(std::string_view from, std::string_view to, int max_days) {
  auto f = parse_day(from);
  auto t = parse_day(to);
  if (!f || !t || *f > *t || (*t - *f).count() >= max_days) return std::nullopt;
  return Period{*f, *t};
}

Stats faq_stats(store::Tx& tx, int64_t tenant_id, const Period& p, const Handoffs& handed_off) {
  namespace chr = std::chrono;
  Stats s;
  for (auto d = p.from; d <= p.to; d += chr::days(1)) s.days.push_back({jst_date(d)});
  std::map<int64_t, EntryStats> entries;
  tx.each(
      "SELECT outcome, entry_id, resolved, created_at FROM faq_questions WHERE tenant_id = ? AND "
      "created_at >= ? AND created_at < ?",
      {tenant_id, p.from_ms(), p.end_ms()}, [&](const store::Row& r) {
        auto day = chr::floor<chr::days>(
            chr::sys_time<chr::milliseconds>(chr::milliseconds(r.i64(3) + kJstMs)));
        auto i = (day - p.from).count();
        if (i < 0 || i >= static_cast<int64_t>(s.days.size())) return true;
        DayStats& d = s.days[static_cast<std::size_t>(i)];
        std::string outcome = r.str(0);
        bool chosen = outcome == "chosen";
        bool answered = chosen || outcome == "answered" || outcome == "garbage";
        if (!chosen) ++d.asked;
        if (answered) ++d.answered;
        if (outcome == "unanswered") ++d.unanswered;
        std::optional<int64_t> resolved;
        if (!r.is_null(2)) resolved = r.i64(2);
        if (resolved) ++(*resolved ? d.resolved : d.unresolved);
        if (answered && !r.is_null(1)) {
          EntryStats& e = entries[r.i64(1)];
          e.entry_id = r.i64(1);
          ++e.answered;
          if (resolved) ++(*resolved ? e.resolved : e.unresolved);
        }
        return true;
      });
  for (auto& [id, e] : entries) s.entries.push_back(e);
  add_handoffs(s, handed_off);
  return s;
}

void add_handoffs(Stats& s, const Handoffs& handed_off) {
  s.total = DayStats{};
  for (auto& d : s.days) {
    if (auto it = handed_off.per_day.find(d.date); it != handed_off.per_day.end())
      d.handed_off = it->second;
    s.total.asked += d.asked;
    s.total.answered += d.answered;
    s.total.resolved += d.resolved;
    s.total.unresolved += d.unresolved;
    s.total.unanswered += d.unanswered;
    s.total.handed_off += d.handed_off;
  }
  std::map<int64_t, EntryStats> by_id;
  for (const auto& e : s.entries) by_id[e.entry_id] = e;
  for (const auto& [id, n] : handed_off.per_entry) {
    if (n <= 0) continue;
    EntryStats& e = by_id[id];
    e.entry_id = id;
    e.handed_off = n;
  }
  s.entries.clear();
  for (const auto& [id, e] : by_id) s.entries.push_back(e);
  std::stable_sort(s.entries.begin(), s.entries.end(),
                   [](const EntryStats& a, const EntryStats& b) {
                     if (a.answered != b.answered) return a.answered > b.answered;
                     return a.handed_off > b.handed_off;
                   });
}

DayStats faq_totals(store::Tx& tx, int64_t tenant_id, int64_t from_ms, int64_t end_ms) {
  DayStats d;
  tx.each(
      "SELECT outcome, resolved, COUNT(*) FROM faq_questions WHERE tenant_id = ? AND "
      "created_at >= ? AND created_at < ? GROUP BY outcome, resolved",
      {tenant_id, from_ms, end_ms}, [&](const store::Row& r) {
        // The same rules as faq_stats above, per group instead of per row.
        std::string outcome = r.str(0);
        int64_t n = r.i64(2);
        bool chosen = outcome == "chosen";
        if (!chosen) d.asked += n;
        if (chosen || outcome == "answered" || outcome == "garbage") d.answered += n;
        if (outcome == "unanswered") d.unanswered += n;
        if (!r.is_null(1)) (r.i64(1) ? d.resolved : d.unresolved) += n;
        return true;
      });
  return d;
}

std::optional<std::pair<int64_t, int64_t>> question_span(store::Tx& tx, int64_t tenant_id) {
  auto r = tx.one("SELECT MIN(created_at), MAX(created_at) FROM faq_questions WHERE tenant_id = ?",
                  {tenant_id});
  if (!r || r->is_null(0)) return std::nullopt;
  return std::pair{r->i64(0), r->i64(1)};
}

}  // namespace mg::faq
