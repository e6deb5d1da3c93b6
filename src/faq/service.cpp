#include "faq/service.h"

#include <chrono>
#include <cstdio>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/errors.h"
#include "core/log.h"
#include "faq/pages.h"
#include "garbage/store.h"

namespace mg::faq {

std::string today_jst() {
  namespace chr = std::chrono;
  auto d = chr::year_month_day{chr::floor<chr::days>(
      chr::sys_time<chr::milliseconds>(chr::milliseconds(clock::now_ms() + 9 * 3600 * 1000)))};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

std::shared_ptr<const Index> FaqService::index(store::Tx& tx, int64_t tenant_id) {
  std::string rev = revision(tx, tenant_id) + "|" + pages_revision(tx, tenant_id);
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(tenant_id);
    if (it != cache_.end() && it->second.revision == rev) return it->second.index;
  }
  // Built outside the lock: other tenants keep answering meanwhile.
  // Passages of the town's web pages answer too (negative ids, see faq/pages.h).
  auto entries = list_entries(tx, tenant_id);
  for (auto& p : passage_entries(tx, tenant_id)) entries.push_back(std::move(p));
  auto idx =
      std::make_shared<const Index>(std::move(entries), load_synonyms(tx, tenant_id), analyzer_);
  std::lock_guard lock(mu_);
  cache_[tenant_id] = {rev, idx};
  return idx;
}

void FaqService::changed(int64_t tenant_id) {
  std::lock_guard lock(mu_);
  cache_.erase(tenant_id);
}

namespace {
garbage::Date today_date() {
  namespace chr = std::chrono;
  return garbage::Date{chr::floor<chr::days>(
      chr::sys_time<chr::milliseconds>(chr::milliseconds(clock::now_ms() + 9 * 3600 * 1000)))};
}
}  // namespace

std::shared_ptr<const GarbageLookup> FaqService::garbage(store::Tx& tx, int64_t tenant_id) {
  auto info = garbage::import_info(tx, tenant_id);
  if (!info) return nullptr;
  {
    std::lock_guard lock(mu_);
    auto it = garbage_cache_.find(tenant_id);
    if (it != garbage_cache_.end() && it->second.imported_at == info->imported_at)
      return it->second.lookup;
  }
  auto cal = garbage::load(tx, tenant_id);
  if (!cal) return nullptr;
  auto lookup = std::make_shared<const GarbageLookup>(std::move(*cal), analyzer_);
  std::lock_guard lock(mu_);
  garbage_cache_[tenant_id] = {info->imported_at, lookup};
  return lookup;
}

Reply FaqService::garbage_reply(store::Tx& tx, int64_t tenant_id, const GarbageLookup& g,
                                const std::vector<const garbage::Item*>& items,
                                const std::string& area, const std::string& channel,
                                const std::string& question) {
  Reply r;
  r.outcome = Outcome::garbage;
  bool known = !area.empty() && g.has_area(area);
  if (known)
    r.area = area;
  else
    for (const auto& a : g.calendar().areas) r.areas.push_back(a.name);
  garbage::Date today = today_date();
  for (const auto* it : items)
    r.garbage.push_back(
        {it, known ? g.next_collection(*it, area, today) : std::optional<garbage::Date>{}});
  r.token = crypto::random_token(16);
  r.question_id = log_question(tx, tenant_id, channel, question, outcome_name(r.outcome),
                               std::nullopt, 1.0, r.token, clock::now_ms());
  return r;
}

Reply FaqService::garbage_item(store::Tx& tx, int64_t tenant_id, const std::string& name,
                               const std::string& area, const std::string& channel) {
  auto g = garbage(tx, tenant_id);
  if (!g) return {};
  auto items = g->named(name);
  if (items.empty()) return {};
  return garbage_reply(tx, tenant_id, *g, items, area, channel, name);
}

Reply FaqService::ask(store::Tx& tx, int64_t tenant_id, const std::string& question,
                      const std::string& channel, const std::string& area) {
  std::string q = normalize(question, kMaxAskChars);
  if (q.empty()) throw ApiError::bad_request("質問を入れてください", "q");
  auto g = garbage(tx, tenant_id);
  GarbageFound sorted;
  if (g) {
    sorted = g->find(q);
    if (sorted.strength == GarbageFound::Strength::strong)
      return garbage_reply(tx, tenant_id, *g, sorted.items, area, channel, q);
  }
  auto idx = index(tx, tenant_id);
  auto found = idx->search(q, today_jst());
  // Part of an item's name and nothing better in the FAQ: the items as choices.
  if (found.outcome == Outcome::unanswered && g &&
      sorted.strength == GarbageFound::Strength::partial)
    return garbage_reply(tx, tenant_id, *g, sorted.items, area, channel, q);
  Reply r;
  r.outcome = found.outcome;
  r.scored = found.candidates;
  for (const auto& c : found.candidates)
    if (const Entry* e = idx->entry(c.entry_id)) r.entries.push_back(*e);
  std::optional<int64_t> entry;
  if (r.outcome == Outcome::answered && !r.entries.empty()) entry = r.entries[0].id;
  r.token = crypto::random_token(16);
  r.question_id = log_question(tx, tenant_id, channel, q, outcome_name(r.outcome), entry,
                               found.candidates.empty() ? 0 : found.candidates[0].confidence,
                               r.token, clock::now_ms());
  return r;
}

Reply FaqService::choose(store::Tx& tx, int64_t tenant_id, int64_t entry_id,
                         const std::string& channel) {
  Reply r;
  auto e =
      entry_id < 0 ? passage_entry(tx, tenant_id, -entry_id) : get_entry(tx, tenant_id, entry_id);
  if (!e || !valid_on(*e, today_jst())) return r;
  r.outcome = Outcome::answered;
  r.entries.push_back(*e);
  r.token = crypto::random_token(16);
  r.question_id = log_question(tx, tenant_id, channel, e->question, "chosen", e->id, 1.0, r.token,
                               clock::now_ms());
  return r;
}

std::vector<Entry> FaqService::generation_sources(store::Tx& tx, int64_t tenant_id,
                                                  const Reply& r) const {
  // Weak retrieval (unanswered) or a clear answer: no call.
  if (!llm_.available() || r.outcome != Outcome::candidates || r.entries.empty() ||
      r.question_id == 0)
    return {};
  if (!generative_enabled(tx, tenant_id)) return {};
  // Only the candidates retrieval itself would suggest: a far weaker third entry is no source.
  std::vector<Entry> strong;
  for (const auto& e : r.entries)
    for (const auto& c : r.scored)
      if (c.entry_id == e.id && c.confidence >= Thresholds{}.suggest) strong.push_back(e);
  return strong;
}

Generated FaqService::generate_answer(int64_t tenant_id, const std::string& question,
                                      const std::vector<Source>& sources) {
  Generated g;
  if (generating_.fetch_add(1) < llm_.concurrency) {
    g = generate(llm_, mask_personal(normalize(question, kMaxAskChars), analyzer_), sources);
  } else {
    g.failure = "busy";  // the endpoint is slow: candidates now rather than a held worker
  }
  generating_.fetch_sub(1);
  // Outcome, status, latency and tokens only: never the question or the answer.
  log::info("faq.generated", {{"tenant_id", tenant_id},
                              {"ok", g.ok},
                              {"failure", g.failure},
                              {"status", g.status},
                              {"latency_ms", g.latency_ms},
                              {"prompt_tokens", g.prompt_tokens},
                              {"completion_tokens", g.completion_tokens}});
  return g;
}

void FaqService::add_generated(store::Db& db, int64_t tenant_id, const std::string& question,
                               Reply& r) {
  if (!llm_.available() || r.outcome != Outcome::candidates) return;
  auto strong = db.read([&](store::Tx& tx) { return generation_sources(tx, tenant_id, r); });
  if (strong.empty()) return;
  auto sources = sources_of(strong);
  Generated g = generate_answer(tenant_id, question, sources);
  db.write(
      [&](store::Tx& tx) { log_generation(tx, tenant_id, r.question_id, g, clock::now_ms()); });
  if (!g.ok) return;
  r.generated = g.text;
  r.generated_sources = std::move(sources);
}

bool FaqService::feedback(store::Tx& tx, int64_t tenant_id, int64_t question_id,
                          const std::string& token, bool resolved) {
  if (token.empty() || token.size() > 64) return false;
  return record_feedback(tx, tenant_id, question_id, token, resolved);
}

}  // namespace mg::faq
