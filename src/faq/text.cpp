#include "faq/text.h"

#include <mecab.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <set>

namespace mg::faq {

namespace {

icu::UnicodeString from_utf8(std::string_view s) {
  return icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
}

std::string to_utf8(const icu::UnicodeString& u) {
  std::string out;
  u.toUTF8String(out);
  return out;
}

bool is_long_vowel(UChar32 c) { return c == 0x30FC || c == 0xFF70 || c == 0x301C || c == 0xFF5E; }

UChar32 fold_kana(UChar32 c) {
  if (c >= 0x3041 && c <= 0x3096) c += 0x60;  // hiragana → katakana
  switch (c) {
    case 0x30A1:  // ァ
    case 0x30A3:
    case 0x30A5:
    case 0x30A7:
    case 0x30A9:
    case 0x30C3:  // ッ
    case 0x30E3:  // ャ
    case 0x30E5:
    case 0x30E7:
    case 0x30EE:  // ヮ
      return c + 1;
    case 0x30F5:  // ヵ
      return 0x30AB;
    case 0x30F6:  // ヶ
      return 0x30B1;
    case 0x30F4:  // ヴ
      return 0x30D6;
    case 0x30C2:  // ヂ
      return 0x30B8;
    case 0x30C5:  // ヅ
      return 0x30BA;
    case 0x30F2:  // ヲ
      return 0x30AA;
    default:
      return c;
  }
}

// The reading of one code point string as a list of code points (for bigrams).
std::vector<std::string> code_points(std::string_view s) {
  std::vector<std::string> out;
  icu::UnicodeString u = from_utf8(s);
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    out.push_back(to_utf8(icu::UnicodeString(c)));
  }
  return out;
}

std::vector<std::string> split_csv(const char* feature) {
  std::vector<std::string> out;
  std::string cur;
  for (const char* p = feature; *p; ++p) {
    if (*p == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += *p;
    }
  }
  out.push_back(cur);
  return out;
}

// Question fluff that says nothing about the topic (keys after reading_key).
const std::set<std::string>& stop_words() {
  static const std::set<std::string> s = {
      "スル",   "アル",     "イル",     "ナル",   "デキル",     "出来ル", "オル", "ナイ",
      "ヨイ",   "イイ",     "ホシイ",   "教エル", "オシエル",   "知ル",   "シル", "分カル",
      "ワカル", "クダサル", "イタダク", "思ウ",   "オモウ",     "ドウ",   "ナニ", "ナン",
      "ドコ",   "イツ",     "ドレ",     "ドノ",   "ドウヤツテ", "ヤル",   "イウ", "言ウ",
      "ラレル", "レル",     "カ",       "ヨウ",   "コト",       "モノ",   "トキ", "タメ",
      "ノ",     "ン",       "オ",       "ゴ",     "御"};
  return s;
}

// Punctuation MeCab files as nouns (ipadic tags ASCII "!" as 名詞,サ変接続).
bool has_word_char(std::string_view s) {
  icu::UnicodeString u = from_utf8(s);
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (u_isalnum(c)) return true;
  }
  return false;
}

bool content_pos(const std::vector<std::string>& f) {
  if (f.empty()) return false;
  const std::string& p = f[0];
  if (p == "名詞") {
    const std::string sub = f.size() > 1 ? f[1] : "";
    if (sub == "非自立" || sub == "代名詞" || sub == "数") return false;
    if (sub == "接尾" && f.size() > 2 && (f[2] == "特殊" || f[2] == "助数詞")) return false;
    return true;
  }
  return p == "動詞" || p == "形容詞" || p == "副詞" || p == "接頭詞" || p == "形容動詞" ||
         p == "感動詞" || p == "未知語";
}

}  // namespace

std::string normalize(std::string_view text, std::size_t max_chars) {
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCCasefoldInstance(st);
  icu::UnicodeString in = from_utf8(text);
  icu::UnicodeString u;
  if (U_SUCCESS(st)) u = nfkc->normalize(in, st);
  if (U_FAILURE(st)) u = in;
  icu::UnicodeString out;
  std::size_t n = 0;
  bool space = false;
  for (int32_t i = 0; i < u.length() && n < max_chars;) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (c == 0x3000 || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.isEmpty();
      continue;
    }
    if (c < 0x20 || c == 0x7F || c == 0xFFFD) continue;
    if (space) {
      out.append(UChar32(' '));
      ++n;
      space = false;
    }
    out.append(c);
    ++n;
  }
  return to_utf8(out);
}

std::string reading_key(std::string_view text) {
  icu::UnicodeString u = from_utf8(text);
  icu::UnicodeString out;
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (is_long_vowel(c)) continue;
    out.append(fold_kana(c));
  }
  return to_utf8(out);
}

std::string term_label(const Term& t) {
  switch (t.kind) {
    case TermKind::word:
      return "w:" + t.key;
    case TermKind::compound:
      return "c:" + t.key;
    case TermKind::bigram:
      return "b:" + t.key;
  }
  return t.key;
}

Analyzer::Analyzer() {
  // Debian's /etc/mecabrc points at the dictionary the alternatives system chose
  // (mecab-ipadic-utf8); the explicit path is for machines without that file.
  tagger_ = MeCab::createTagger("");
  if (!tagger_) tagger_ = MeCab::createTagger("-d /var/lib/mecab/dic/ipadic-utf8");
}

Analyzer::~Analyzer() { delete tagger_; }

const Analyzer& Analyzer::shared() {
  static const Analyzer a;
  return a;
}

std::vector<Morpheme> Analyzer::morphemes(std::string_view normalized) const {
  std::vector<Morpheme> out;
  if (!tagger_) return out;
  std::string copy(normalized);
  std::lock_guard lock(mu_);
  for (const MeCab::Node* n = tagger_->parseToNode(copy.c_str()); n; n = n->next) {
    if (n->stat == MECAB_BOS_NODE || n->stat == MECAB_EOS_NODE) continue;
    Morpheme m;
    m.surface.assign(n->surface, n->length);
    auto f = split_csv(n->feature);
    m.pos = f.empty() ? "" : f[0];
    m.pos1 = f.size() > 1 && f[1] != "*" ? f[1] : "";
    m.pos2 = f.size() > 2 && f[2] != "*" ? f[2] : "";
    m.content = content_pos(f);
    m.reading = f.size() > 7 && f[7] != "*" ? f[7] : m.surface;
    // Verbs and adjectives by their dictionary form, so 捨てる/捨てます/捨てたい meet.
    m.lemma =
        (m.pos == "動詞" || m.pos == "形容詞") && f.size() > 6 && f[6] != "*" ? f[6] : m.reading;
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<Term> Analyzer::terms(std::string_view text) const {
  std::string norm = normalize(text);
  std::vector<Term> out;
  // A run of reading characters, each marked whether it came from a topic word; a bigram of
  // two function-word characters (particles, する, いい) says nothing and is dropped.
  std::vector<std::pair<std::string, bool>> run;
  auto end_run = [&] {
    if (run.size() == 1 && run[0].second) out.push_back({TermKind::bigram, run[0].first});
    for (std::size_t i = 0; i + 1 < run.size(); ++i)
      if (run[i].second || run[i + 1].second)
        out.push_back({TermKind::bigram, run[i].first + run[i + 1].first});
    run.clear();
  };
  auto add_run = [&](const std::string& reading, bool content) {
    for (auto& cp : code_points(reading)) run.push_back({cp, content});
  };
  if (!tagger_) {
    // No dictionary: each space-separated chunk's reading key as bigrams.
    std::string chunk;
    for (char c : norm + " ") {
      if (c == ' ') {
        add_run(reading_key(chunk), true);
        end_run();
        chunk.clear();
      } else {
        chunk += c;
      }
    }
    return out;
  }
  auto ms = morphemes(norm);
  std::string compound;  // readings of consecutive nouns (compound term)
  std::size_t nouns = 0;
  auto end_compound = [&] {
    if (nouns >= 2 && !compound.empty()) out.push_back({TermKind::compound, compound});
    compound.clear();
    nouns = 0;
  };
  for (const auto& m : ms) {
    // Bigrams run over every reading but symbols: MeCab cuts hiragana-only text (じどうてあて)
    // into particles and odd words, yet its reading still spells 児童手当's.
    if (m.pos == "記号" || !has_word_char(m.surface)) {
      end_run();
      end_compound();
      continue;
    }
    std::string key = m.content ? reading_key(m.lemma) : "";
    bool topic = m.content && !key.empty() && !stop_words().count(key);
    add_run(reading_key(m.reading), topic);
    if (!topic) {
      end_compound();
      continue;
    }
    bool noun_like = m.pos == "名詞" || m.pos == "接頭詞" || m.pos == "未知語";
    if (noun_like) {
      compound += key;
      ++nouns;
    } else {
      end_compound();
    }
    out.push_back({TermKind::word, key});
  }
  end_run();
  end_compound();
  return out;
}

}  // namespace mg::faq
