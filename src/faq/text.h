#pragma once
// Japanese text for FAQ retrieval: one normal form for what residents type (NFKC, case folded,
// one width, kana as katakana, long-vowel marks and small kana folded) and the index terms of a
// text from MeCab, with readings so kana and kanji spellings meet (ごみ/ゴミ, れいぞうこ/冷蔵庫).
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace MeCab {
class Tagger;
}

namespace mg::faq {

// NFKC with case folding (full-width ASCII → half-width, half-width kana → full-width, A → a),
// control characters dropped, runs of spaces made one. Bounded: at most max_chars code points.
std::string normalize(std::string_view text, std::size_t max_chars = 500);

// The key two spellings share: hiragana → katakana, ー and other long-vowel marks removed,
// small kana → large (ァ→ア, ッ→ツ: a tolerated typo), ヴ→ブ, ヂ→ジ, ヅ→ズ, ヲ→オ.
std::string reading_key(std::string_view text);

enum class TermKind { word, compound, bigram };

struct Term {
  TermKind kind = TermKind::word;
  std::string key;  // reading key (or lower-cased ASCII / the lemma for verbs)
};

// One morpheme as MeCab saw it (for the console's explanation and the tests).
struct Morpheme {
  std::string surface;
  std::string pos;   // 名詞, 動詞, …
  std::string pos1;  // the subclass: 固有名詞, 接尾, 一般, … ("" when none)
  std::string pos2;  // its subclass: 人名 (a person's name, or さん/様 after one), 地域, …
  std::string reading;  // katakana (the surface when the dictionary has none)
  std::string lemma;    // the term: dictionary form of verbs/adjectives, else the reading
  bool content = false;
};

// MeCab with the system dictionary (Debian: ipadic-utf8 through /etc/mecabrc). One tagger
// behind a mutex: parses are microseconds, and MeCab::Tagger is not safe to share unlocked.
// Without a dictionary it falls back to character bigrams of the reading key, so the server
// still answers (worse).
class Analyzer {
 public:
  Analyzer();
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  bool has_dictionary() const { return tagger_ != nullptr; }
  std::vector<Morpheme> morphemes(std::string_view normalized) const;
  // Index terms of a text (normalised here); duplicates kept, they count as term frequency.
  std::vector<Term> terms(std::string_view text) const;

  // The process-wide analyzer (the dictionary is loaded once, ~50 MB mapped).
  static const Analyzer& shared();

 private:
  MeCab::Tagger* tagger_ = nullptr;
  mutable std::mutex mu_;
};

std::string term_label(const Term& t);  // "w:ゴミ" etc. for the console

}  // namespace mg::faq
