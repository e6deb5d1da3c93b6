#include "faq/service.h"

#include <chrono>
#include <cstdio>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/errors.h"

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
  std::string rev = revision(tx, tenant_id);
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(tenant_id);
    if (it != cache_.end() && it->second.revision == rev) return it->second.index;
  }
  // Built outside the lock: other tenants keep answering meanwhile.
  auto idx = std::make_shared<const Index>(list_entries(tx, tenant_id),
                                           load_synonyms(tx, tenant_id), analyzer_);
  std::lock_guard lock(mu_);
  cache_[tenant_id] = {rev, idx};
  return idx;
}

void FaqService::changed(int64_t tenant_id) {
  std::lock_guard lock(mu_);
  cache_.erase(tenant_id);
}

Reply FaqService::ask(store::Tx& tx, int64_t tenant_id, const std::string& question,
                      const std::string& channel) {
  std::string q = normalize(question, kMaxAskChars);
  if (q.empty()) throw ApiError::bad_request("質問を入れてください", "q");
  auto idx = index(tx, tenant_id);
  auto found = idx->search(q, today_jst());
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
  auto e = get_entry(tx, tenant_id, entry_id);
  if (!e || !valid_on(*e, today_jst())) return r;
  r.outcome = Outcome::answered;
  r.entries.push_back(*e);
  r.token = crypto::random_token(16);
  r.question_id = log_question(tx, tenant_id, channel, e->question, "chosen", e->id, 1.0, r.token,
                               clock::now_ms());
  return r;
}

bool FaqService::feedback(store::Tx& tx, int64_t tenant_id, int64_t question_id,
                          const std::string& token, bool resolved) {
  if (token.empty() || token.size() > 64) return false;
  return record_feedback(tx, tenant_id, question_id, token, resolved);
}

}  // namespace mg::faq
