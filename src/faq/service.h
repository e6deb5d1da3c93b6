#pragma once
// The FAQ answering service: the per-tenant index cache and the rules of asking, choosing a
// candidate and feedback, for both channels (web routes, LINE desk) in the caller's
// transaction.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "faq/garbage_lookup.h"
#include "faq/generative.h"
#include "faq/index.h"
#include "faq/store.h"
#include "store/db.h"

namespace mg::faq {

struct Reply {
  Outcome outcome = Outcome::unanswered;
  std::vector<Entry> entries;  // one when answered, up to three candidates otherwise
  std::vector<Candidate> scored;
  int64_t question_id = 0;  // faq_questions row (for 「解決しましたか？」)
  std::string token;        // proves the feedback comes from whoever asked
  // Outcome::garbage: the items (one answer, or choices), their next collection day in `area`
  // when the district is known, else the districts to choose from.
  std::vector<GarbageMatch> garbage;
  std::string area;
  std::vector<std::string> areas;
  // A generative answer from the top candidates (faq/generative.h), with the sources it cites.
  std::string generated;
  std::vector<Source> generated_sources;
};

class FaqService {
 public:
  explicit FaqService(const Analyzer& analyzer = Analyzer::shared()) : analyzer_(analyzer) {}

  // The tenant's index, rebuilt when its revision changed.
  std::shared_ptr<const Index> index(store::Tx& tx, int64_t tenant_id);
  // Drops the cached index (after this process changed entries or synonyms).
  void changed(int64_t tenant_id);

  // A resident's question; logged with its outcome. channel: "web" | "line".
  // area: the resident's ごみ収集地区 when known ("" otherwise); an item of the sorting
  // dictionary named plainly is answered from it before the FAQ entries.
  Reply ask(store::Tx& tx, int64_t tenant_id, const std::string& question,
            const std::string& channel, const std::string& area = "");
  // A tapped garbage choice: the items named exactly so. Empty garbage when none.
  Reply garbage_item(store::Tx& tx, int64_t tenant_id, const std::string& name,
                     const std::string& area, const std::string& channel);
  // The tenant's sorting dictionary, rebuilt when a calendar was imported; null without one.
  std::shared_ptr<const GarbageLookup> garbage(store::Tx& tx, int64_t tenant_id);
  // A tapped candidate (「もしかして」): that entry's answer, logged as chosen. Empty entries
  // when the entry is gone or not valid today.
  Reply choose(store::Tx& tx, int64_t tenant_id, int64_t entry_id, const std::string& channel);
  // 「解決しましたか？」: false when the question/token pair is unknown.
  bool feedback(store::Tx& tx, int64_t tenant_id, int64_t question_id, const std::string& token,
                bool resolved);

  const Analyzer& analyzer() const { return analyzer_; }

  // Hand-offs started per JST day since from_ms, for the statistics (faq/stats.h): handoff/
  // depends on faq, so the wiring passes them in. Set once at startup, before serving.
  using HandoffsPerDay = std::function<std::vector<std::pair<std::string, int64_t>>(
      store::Tx& tx, int64_t tenant_id, int64_t from_ms)>;
  void count_handoffs_with(HandoffsPerDay fn) { handoffs_per_day_ = std::move(fn); }
  const HandoffsPerDay& handoffs_per_day() const { return handoffs_per_day_; }
  // Hand-offs started in [from_ms, end_ms) per FAQ entry the resident was answered with just
  // before (entry id, negative for a passage → count). Wired like HandoffsPerDay.
  using HandoffsPerEntry = std::function<std::map<int64_t, int64_t>(
      store::Tx& tx, int64_t tenant_id, int64_t from_ms, int64_t end_ms)>;
  void count_entry_handoffs_with(HandoffsPerEntry fn) { handoffs_per_entry_ = std::move(fn); }
  const HandoffsPerEntry& handoffs_per_entry() const { return handoffs_per_entry_; }

  // Set once at startup, before serving.
  void configure_llm(LlmSettings llm) { llm_ = std::move(llm); }
  const LlmSettings& llm() const { return llm_; }
  // After ask(): when the tenant switched generative answers on and retrieval found only
  // candidates, asks the model (outside any transaction) and logs the call. On any failure
  // the reply stays the plain candidates.
  void add_generated(store::Db& db, int64_t tenant_id, const std::string& question, Reply& r);
  // The parts of add_generated, for channels that answer later (LINE: a job after the event's
  // transaction). The candidates strong enough to be sources; empty when nothing is to be
  // asked (not candidates, no endpoint, or the tenant's switch is off).
  std::vector<Entry> generation_sources(store::Tx& tx, int64_t tenant_id, const Reply& r) const;
  // Blocking, outside any transaction: masks the question, calls the model (at most
  // `concurrency` calls at once, else "busy") and logs the call's figures (no text).
  Generated generate_answer(int64_t tenant_id, const std::string& question,
                            const std::vector<Source>& sources);

 private:
  struct Cached {
    std::string revision;
    std::shared_ptr<const Index> index;
  };
  const Analyzer& analyzer_;
  LlmSettings llm_;
  HandoffsPerDay handoffs_per_day_;
  HandoffsPerEntry handoffs_per_entry_;
  std::atomic<int> generating_{0};
  std::mutex mu_;
  std::map<int64_t, Cached> cache_;
  struct CachedGarbage {
    int64_t imported_at = 0;
    std::shared_ptr<const GarbageLookup> lookup;
  };
  std::map<int64_t, CachedGarbage> garbage_cache_;
  Reply garbage_reply(store::Tx& tx, int64_t tenant_id, const GarbageLookup& g,
                      const std::vector<const garbage::Item*>& items, const std::string& area,
                      const std::string& channel, const std::string& question);
};

// Today in JST as YYYY-MM-DD (valid periods are dates at the town hall).
std::string today_jst();

}  // namespace mg::faq
