#pragma once
// FAQ statistics for the console and the KPI report (issue 14), counted from the question log
// (faq_questions) per JST day and per entry. Hand-offs live in handoff/, which depends on
// faq: the caller passes their counts in, per day and per entry answered before them.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.h"

namespace mg::faq {

// Counts of one day (or of the whole period):
//   asked       questions typed (a tapped もしかして candidate is not a new question)
//   answered    answers shown: clear answers, garbage sorting and tapped candidates
//   resolved    「解決しましたか？」→ はい; unresolved: いいえ / どれでもない
//   unanswered  questions nothing matched
//   handed_off  hand-offs to staff started (from handoff/)
struct DayStats {
  std::string date;  // YYYY-MM-DD (JST)
  int64_t asked = 0, answered = 0, resolved = 0, unresolved = 0, unanswered = 0, handed_off = 0;
};

// handed_off: hand-offs started in the period whose resident had last been answered with this
// entry shortly before (handoff::kFaqAnswerWindowMs); the answer may fall before the period.
struct EntryStats {
  int64_t entry_id = 0;  // negative: a passage of the town's web pages
  int64_t answered = 0, resolved = 0, unresolved = 0, handed_off = 0;
};

struct Stats {
  std::vector<DayStats> days;  // every day of the period, oldest first, zeros included
  DayStats total;
  // Entries answered or handed off in the period: most answered first, then most handed off.
  std::vector<EntryStats> entries;
};

// A period of JST days, both ends included. nullopt unless both are real YYYY-MM-DD dates,
// from <= to and at most max_days long.
struct Period {
  std::chrono::sys_days from, to;
  int64_t from_ms() const;
  int64_t end_ms() const;  // exclusive: the midnight after `to`, JST
};
std::optional<Period> parse_period(std::string_view from, std::string_view to, int max_days);
std::string jst_date(std::chrono::sys_days d);

// Hand-offs started, per JST day (YYYY-MM-DD → count; days outside the period are ignored) and
// per entry answered before them (entry id → count, for the period).
struct Handoffs {
  std::map<std::string, int64_t> per_day;
  std::map<int64_t, int64_t> per_entry;
};
Stats faq_stats(store::Tx& tx, int64_t tenant_id, const Period& p, const Handoffs& handed_off);
// The part of faq_stats after the question log: adds the hand-offs to `s` (its days and
// entries counted from the log, entries in any order), sums the total again and orders the
// entries. An entry with hand-offs only joins the list.
void add_handoffs(Stats& s, const Handoffs& handed_off);

// For the fiscal-year KPI report (delivery/report_routes): the counts of [from_ms, end_ms)
// without a per-day breakdown (counted in SQL, so a year of questions is one grouped query);
// handed_off stays 0 (hand-offs come from handoff/).
DayStats faq_totals(store::Tx& tx, int64_t tenant_id, int64_t from_ms, int64_t end_ms);
// The first and last question's instants; nullopt when the tenant has none.
std::optional<std::pair<int64_t, int64_t>> question_span(store::Tx& tx, int64_t tenant_id);

}  // namespace mg::faq
