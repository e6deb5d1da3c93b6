#include "faq/index.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace mg::faq {

namespace {

// Tuned on tests/data/faq (tests/unit/faq/ranking_test.cpp prints the figures).
constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
// An entry's answer text counts as much as its best phrasing: answers name the topic's words
// (コンビニ, 家電リサイクル) residents use when the question was phrased otherwise.
constexpr double kAnswerShare = 1.0;
constexpr double kBigram = 0.6;
constexpr double kCompound = 1.2;
constexpr uint32_t kUnknown = std::numeric_limits<uint32_t>::max();

double kind_weight(TermKind k) {
  switch (k) {
    case TermKind::word:
      return 1.0;
    case TermKind::compound:
      return kCompound;
    case TermKind::bigram:
      return kBigram;
  }
  return 1.0;
}

double kind_weight(const std::string& label) {
  if (label.rfind("b:", 0) == 0) return kind_weight(TermKind::bigram);
  if (label.rfind("c:", 0) == 0) return kind_weight(TermKind::compound);
  return kind_weight(TermKind::word);
}

double idf(std::size_t n, std::size_t df) {
  return std::log(1.0 + (static_cast<double>(n) - df + 0.5) / (df + 0.5));
}
}  // namespace

std::string outcome_name(Outcome o) {
  switch (o) {
    case Outcome::answered:
      return "answered";
    case Outcome::candidates:
      return "candidates";
    case Outcome::unanswered:
      return "unanswered";
    case Outcome::garbage:
      return "garbage";
  }
  return "unanswered";
}

uint32_t Index::id_of(const std::string& label) const {
  auto it = terms_.find(label);
  return it == terms_.end() ? kUnknown : it->second;
}

Index::Index(std::vector<Entry> entries, const std::vector<std::vector<std::string>>& synonyms,
             const Analyzer& analyzer)
    : analyzer_(analyzer), entries_(std::move(entries)) {
  // Synonyms rewrite text to the group's first word on both sides (entries and questions), so
  // a match through a synonym scores and counts towards confidence like the word itself.
  for (const auto& group : synonyms) {
    if (group.size() < 2) continue;
    std::string to = normalize(group[0], 60);
    for (std::size_t i = 1; i < group.size(); ++i) {
      std::string from = normalize(group[i], 60);
      if (!from.empty() && !to.empty() && from != to) synonyms_.push_back({from, to});
    }
  }
  std::sort(synonyms_.begin(), synonyms_.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  double len_p = 0, len_a = 0;
  auto add_doc = [&](uint32_t e, bool answer, const std::string& text) {
    auto ts = analyzer_.terms(canonical(text));
    uint32_t doc = static_cast<uint32_t>(docs_.size());
    std::unordered_map<uint32_t, float> tf;
    float length = 0;
    for (const auto& t : ts) {
      auto label = term_label(t);
      auto [it, fresh] = terms_.emplace(label, static_cast<uint32_t>(terms_.size()));
      if (fresh) postings_.emplace_back();
      float w = static_cast<float>(kind_weight(t.kind));
      tf[it->second] += 1.0f;
      length += w;
    }
    std::vector<uint32_t> ids;
    for (const auto& [id, f] : tf) {
      postings_[id].push_back({doc, f});
      ids.push_back(id);
    }
    docs_.push_back({e, answer, length, text});
    doc_terms_.push_back(std::move(ids));
    (answer ? len_a : len_p) += length;
    ++(answer ? n_answers_ : n_phrasings_);
  };
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    const auto& e = entries_[i];
    by_id_[e.id] = i;
    add_doc(i, false, e.question);
    for (const auto& a : e.alternatives)
      if (!a.empty()) add_doc(i, false, a);
    add_doc(i, true, e.answer + " " + e.category);
  }
  df_phrasing_.assign(postings_.size(), 0);
  df_answer_.assign(postings_.size(), 0);
  for (std::size_t t = 0; t < postings_.size(); ++t)
    for (const auto& p : postings_[t]) ++(docs_[p.doc].answer ? df_answer_[t] : df_phrasing_[t]);
  avg_len_phrasing_ = n_phrasings_ ? std::max(1.0, len_p / n_phrasings_) : 1;
  avg_len_answer_ = n_answers_ ? std::max(1.0, len_a / n_answers_) : 1;
}

std::string Index::canonical(std::string_view text) const {
  std::string in = normalize(text, 5000);
  if (synonyms_.empty()) return in;
  std::string out;
  for (std::size_t i = 0; i < in.size();) {
    bool replaced = false;
    for (const auto& [from, to] : synonyms_)
      if (in.compare(i, from.size(), from) == 0) {
        out += to;
        i += from.size();
        replaced = true;
        break;
      }
    if (replaced) continue;
    // Copy one UTF-8 character.
    std::size_t n = 1;
    while (i + n < in.size() && (static_cast<unsigned char>(in[i + n]) & 0xC0) == 0x80) ++n;
    out.append(in, i, n);
    i += n;
  }
  return out;
}

const Entry* Index::entry(int64_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &entries_[it->second];
}

std::vector<Index::QueryTerm> Index::query_terms(std::string_view question) const {
  std::vector<QueryTerm> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& label, double weight) {
    if (!seen.insert(label).second) return;
    out.push_back({id_of(label), weight * kind_weight(label), label});
  };
  for (const auto& t : analyzer_.terms(canonical(question))) add(term_label(t), 1.0);
  return out;
}

SearchResult Index::search(std::string_view question, const std::string& today, std::size_t k,
                           bool explain, const Thresholds& th) const {
  SearchResult res;
  auto qs = query_terms(question);
  if (explain)
    for (const auto& q : qs) res.query_terms.push_back(q.label);
  if (qs.empty() || entries_.empty()) return res;

  // What a phrasing containing every (original) query term once could score.
  double ideal = 0;
  std::vector<double> idf_p(qs.size()), idf_a(qs.size());
  for (std::size_t i = 0; i < qs.size(); ++i) {
    std::size_t dp = qs[i].id == kUnknown ? 0 : df_phrasing_[qs[i].id];
    std::size_t da = qs[i].id == kUnknown ? 0 : df_answer_[qs[i].id];
    idf_p[i] = idf(n_phrasings_, dp);
    idf_a[i] = idf(n_answers_, da);
    ideal += qs[i].weight * idf_p[i];
  }
  if (ideal <= 0) return res;

  std::vector<double> best(entries_.size(), 0.0), answer_part(entries_.size(), 0.0);
  std::vector<uint32_t> best_doc(entries_.size(), kUnknown);
  std::vector<double> doc_score(docs_.size(), 0.0);
  std::vector<uint32_t> touched;
  for (std::size_t i = 0; i < qs.size(); ++i) {
    if (qs[i].id == kUnknown) continue;
    for (const auto& p : postings_[qs[i].id]) {
      const Doc& d = docs_[p.doc];
      double avg = d.answer ? avg_len_answer_ : avg_len_phrasing_;
      double norm = kK1 * (1 - kB + kB * d.length / avg);
      double s = qs[i].weight * (d.answer ? idf_a[i] : idf_p[i]) * p.tf * (kK1 + 1) / (p.tf + norm);
      if (doc_score[p.doc] == 0.0) touched.push_back(p.doc);
      doc_score[p.doc] += s;
    }
  }
  for (uint32_t doc : touched) {
    const Doc& d = docs_[doc];
    if (d.answer) {
      answer_part[d.entry] = doc_score[doc];
    } else if (doc_score[doc] > best[d.entry]) {
      best[d.entry] = doc_score[doc];
      best_doc[d.entry] = doc;
    }
  }
  std::vector<std::pair<double, uint32_t>> ranked;
  std::vector<char> seen(entries_.size(), 0);
  for (uint32_t doc : touched) {
    uint32_t e = docs_[doc].entry;
    if (seen[e]) continue;
    seen[e] = 1;
    if (!valid_on(entries_[e], today)) continue;
    double total = best[e] + kAnswerShare * answer_part[e];
    if (total > 0) ranked.push_back({total, e});
  }
  // Only the best k (one more for the margin) are ordered: a full sort of every touched entry
  // was most of an answer's time with 10,000 entries.
  std::size_t keep = std::min(ranked.size(), k + 1);
  std::partial_sort(ranked.begin(), ranked.begin() + keep, ranked.end(),
                    [&](const auto& a, const auto& b) {
                      return a.first != b.first ? a.first > b.first
                                                : entries_[a.second].id < entries_[b.second].id;
                    });
  double next_score = ranked.size() > k ? ranked[k].first : 0;
  if (ranked.size() > k) ranked.resize(k);
  for (const auto& [score, e] : ranked) {
    Candidate c;
    c.entry_id = entries_[e].id;
    c.score = score;
    c.confidence = best[e] / ideal;
    uint32_t doc = best_doc[e];
    c.phrasing = doc < docs_.size() ? docs_[doc].text : entries_[e].question;
    if (explain && doc < docs_.size()) {
      std::set<uint32_t> in(doc_terms_[doc].begin(), doc_terms_[doc].end());
      for (const auto& q : qs)
        if (q.id != kUnknown && in.count(q.id)) c.matched.push_back(q.label);
    }
    res.candidates.push_back(std::move(c));
  }
  if (res.candidates.empty()) return res;
  const auto& top = res.candidates[0];
  double second = res.candidates.size() > 1 ? res.candidates[1].score : next_score;
  if (top.confidence >= th.answer && top.score >= th.margin * second)
    res.outcome = Outcome::answered;
  else if (top.confidence >= th.suggest)
    res.outcome = Outcome::candidates;
  else
    res.outcome = Outcome::unanswered;
  if (res.outcome == Outcome::answered) res.candidates.resize(1);
  if (res.outcome == Outcome::unanswered) res.candidates.clear();
  return res;
}

}  // namespace mg::faq
