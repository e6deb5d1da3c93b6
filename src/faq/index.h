#pragma once
// BM25 over the terms of faq/text.h, one in-memory index per tenant (rebuilt when entries or
// synonyms change). Each phrasing (question or alternative) is scored on its own and an entry
// takes its best phrasing, plus a little of its answer text; a paraphrase then needs to be
// close to one way of asking, not to the sum of all of them.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "faq/model.h"
#include "faq/text.h"

namespace mg::faq {

// garbage: the words named an item of the sorting dictionary (faq/garbage_lookup.h).
enum class Outcome { answered, candidates, unanswered, garbage };
std::string outcome_name(Outcome o);

struct Candidate {
  int64_t entry_id = 0;
  double score = 0;       // BM25 (best phrasing + answer share)
  double confidence = 0;  // best phrasing's score / what the question's terms could reach
  std::string phrasing;   // the phrasing that matched best
  std::vector<std::string> matched;  // query terms found in it (explain only)
};

struct SearchResult {
  Outcome outcome = Outcome::unanswered;
  std::vector<Candidate> candidates;     // best first
  std::vector<std::string> query_terms;  // with synonyms added (explain only)
};

struct Thresholds {
  // Calibrated on the paraphrase set: the margin over the second entry separates right from
  // wrong answers better than the confidence does.
  double answer = 0.25;   // confidence for one clear answer…
  double margin = 1.5;    // …and this factor ahead of the second entry's score
  double suggest = 0.12;  // below: unanswered
};

class Index {
 public:
  Index(std::vector<Entry> entries, const std::vector<std::vector<std::string>>& synonyms,
        const Analyzer& analyzer);

  // today: YYYY-MM-DD (JST); entries outside their valid period are skipped.
  SearchResult search(std::string_view question, const std::string& today, std::size_t k = 3,
                      bool explain = false, const Thresholds& t = {}) const;
  const Entry* entry(int64_t id) const;
  std::size_t size() const { return entries_.size(); }
  std::size_t term_count() const { return terms_.size(); }

 private:
  struct Posting {
    uint32_t doc;
    float tf;
  };
  struct Doc {
    uint32_t entry;  // index into entries_
    bool answer;     // the answer text (weighted down) rather than a phrasing
    float length;
    std::string text;
  };
  struct QueryTerm {
    uint32_t id;  // UINT32_MAX when unknown to the index
    double weight;
    std::string label;
  };
  std::vector<QueryTerm> query_terms(std::string_view question) const;
  uint32_t id_of(const std::string& label) const;

  const Analyzer& analyzer_;
  std::vector<Entry> entries_;
  std::unordered_map<int64_t, uint32_t> by_id_;
  std::vector<Doc> docs_;
  std::unordered_map<std::string, uint32_t> terms_;
  std::vector<std::vector<Posting>> postings_;
  std::vector<std::vector<uint32_t>> doc_terms_;   // for explanations
  std::vector<uint32_t> df_phrasing_, df_answer_;  // document frequency per term
  double avg_len_phrasing_ = 1, avg_len_answer_ = 1;
  std::size_t n_phrasings_ = 0, n_answers_ = 0;
  std::string canonical(std::string_view text) const;          // normalised, synonyms rewritten
  std::vector<std::pair<std::string, std::string>> synonyms_;  // from → to, longest first
};

}  // namespace mg::faq
