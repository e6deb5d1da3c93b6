// Garbage sorting in FAQ answers: Kameoka's real dictionary (1,760 items, Shift_JIS) asked in
// several spellings. Prints the hit rate; fails below the floor the figures were taken at.
#include "faq/garbage_lookup.h"

#include <gtest/gtest.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>

#include "garbage/format_5374.h"
#include "garbage/service.h"

namespace mg::faq {
namespace {

garbage::GarbageCalendar kameoka() {
  auto files = garbage::read_directory(std::string(MG_SOURCE_DIR) + "/tests/data/5374/kameoka");
  return garbage::read_5374(files).calendar;
}

const GarbageLookup& lookup() {
  static GarbageLookup l(kameoka(), Analyzer::shared());
  return l;
}

std::string reading_of(const std::string& text) {
  std::string r;
  for (const auto& m : Analyzer::shared().morphemes(normalize(text)))
    r += m.reading.empty() ? m.surface : m.reading;
  return r;
}

std::string transliterate(const std::string& text, const char* id) {
  // Creating a transliterator costs milliseconds: one per id.
  static std::map<std::string, std::unique_ptr<icu::Transliterator>> cache;
  auto& t = cache[id];
  if (!t) {
    UErrorCode status = U_ZERO_ERROR;
    t.reset(icu::Transliterator::createInstance(id, UTRANS_FORWARD, status));
    if (U_FAILURE(status)) return text;
  }
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(text);
  t->transliterate(u);
  std::string out;
  u.toUTF8String(out);
  return out;
}

// Katakana → hiragana keeping ー, as people type (ICU's Katakana-Hiragana writes ぼおるぺん).
std::string hiragana(const std::string& text) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(text);
  for (int32_t i = 0; i < u.length(); ++i)
    if (u[i] >= 0x30A1 && u[i] <= 0x30F6) u.setCharAt(i, static_cast<char16_t>(u[i] - 0x60));
  std::string out;
  u.toUTF8String(out);
  return out;
}

std::string base_name(const std::string& name) {
  auto p = name.find("（");
  return p == std::string::npos ? name : name.substr(0, p);
}

std::string swap_gomi(std::string s) {
  for (auto [from, to] : {std::pair{"ごみ", "ゴミ"}, std::pair{"ゴミ", "ごみ"}}) {
    auto p = s.find(from);
    if (p != std::string::npos) return s.replace(p, std::string(from).size(), to);
  }
  return s;
}

bool hits(const std::string& question, const garbage::Item& item, bool* strong = nullptr) {
  auto f = lookup().find(question);
  if (strong) *strong = f.strength == GarbageFound::Strength::strong;
  // A base name asks for every item sharing it: any of them with the same name is right.
  return std::any_of(f.items.begin(), f.items.end(), [&](const garbage::Item* i) {
    return i == &item || base_name(i->name) == base_name(item.name);
  });
}

TEST(GarbageLookup, KameokaSpellingVariantsHitRate) {
  const auto& items = lookup().calendar().items;
  ASSERT_GT(items.size(), 1700u);
  const char* kinds[] = {"name", "base+の捨て方", "hiragana", "half-width katakana",
                         "ごみ/ゴミ + width swapped"};
  std::size_t asked[5] = {}, hit[5] = {}, strong_hits[5] = {};
  double lookup_us = 0;
  for (const auto& it : items) {
    std::string base = base_name(it.name);
    std::string kata = reading_of(base);
    std::string variants[5] = {it.name, base + "の捨て方", hiragana(kata),
                               transliterate(kata, "Fullwidth-Halfwidth"),
                               transliterate(swap_gomi(base), "Halfwidth-Fullwidth")};
    for (int v = 0; v < 5; ++v) {
      ++asked[v];
      bool strong = false;
      auto t0 = std::chrono::steady_clock::now();
      bool ok = hits(variants[v], it, &strong);
      lookup_us +=
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
      if (!ok && std::getenv("MG_SHOW_MISSES"))
        std::printf("miss %d: %s ← %s\n", v, it.name.c_str(), variants[v].c_str());
      if (ok) {
        ++hit[v];
        strong_hits[v] += strong;
      }
    }
  }
  std::size_t all_asked = 0, all_hit = 0;
  for (int v = 0; v < 5; ++v) {
    std::printf(
        "garbage lookup %-26s %4zu/%4zu = %.1f%% (shown as the answer or a choice; "
        "%zu strong)\n",
        kinds[v], hit[v], asked[v], 100.0 * hit[v] / asked[v], strong_hits[v]);
    all_asked += asked[v];
    all_hit += hit[v];
  }
  std::printf("garbage lookup overall %zu/%zu = %.1f%%, %.0f us per lookup\n", all_hit, all_asked,
              100.0 * all_hit / all_asked, lookup_us / all_asked);
  EXPECT_EQ(hit[0], asked[0]);  // the exact name always
  EXPECT_GE(100.0 * all_hit / all_asked, 90.0);
}

TEST(GarbageLookup, KanaKanjiWidthMeet) {
  for (const char* q : {"座布団", "ざぶとん", "ｻﾞﾌﾞﾄﾝ", "ザブトン", "ざぶとんの捨て方"}) {
    auto f = lookup().find(q);
    ASSERT_FALSE(f.items.empty()) << q;
    EXPECT_EQ(f.strength, GarbageFound::Strength::strong) << q;
    EXPECT_NE(f.items[0]->name.find("座布団"), std::string::npos) << q << " → " << f.items[0]->name;
  }
}

TEST(GarbageLookup, LongestNameInsideAQuestionWins) {
  auto f = lookup().find("アイロン台はどうやって捨てますか");
  ASSERT_FALSE(f.items.empty());
  EXPECT_EQ(f.strength, GarbageFound::Strength::strong);
  for (const auto* i : f.items) EXPECT_EQ(base_name(i->name), "アイロン台") << i->name;
}

TEST(GarbageLookup, SeveralMatchesAreChoicesAtMostThirteen) {
  auto f = lookup().find("ふた");
  EXPECT_GT(f.items.size(), 1u);
  EXPECT_LE(f.items.size(), kMaxGarbageChoices);
}

TEST(GarbageLookup, UnrelatedQuestionsFindNothingStrong) {
  for (const char* q : {"住民票の写しがほしい", "児童手当の申請", "", "   ", "あ",
                        "クリーンセンターへの持ち込みは何時から"}) {
    auto f = lookup().find(q);
    EXPECT_NE(f.strength, GarbageFound::Strength::strong) << q;
    for (const auto* i : f.items) EXPECT_GE(i->name.size(), 9u) << q << " → " << i->name;
  }
  EXPECT_FALSE(asks_about_garbage("住民票の写しがほしい"));
  EXPECT_TRUE(asks_about_garbage("テレビのすてかた"));
}

TEST(GarbageLookup, NextCollectionInTheDistrict) {
  const auto& cal = lookup().calendar();
  // 旭町: 燃やすしかないごみ on Tuesdays and Fridays. 2026-12-01 is a Tuesday.
  auto f = lookup().named("足ふきマット");
  ASSERT_EQ(f.size(), 1u);
  garbage::Date tue{std::chrono::year{2026}, std::chrono::month{12}, std::chrono::day{1}};
  garbage::Date wed{std::chrono::year{2026}, std::chrono::month{12}, std::chrono::day{2}};
  ASSERT_NE(cal.area("旭町"), nullptr);
  EXPECT_EQ(lookup().next_collection(*f[0], "旭町", tue), tue);
  garbage::Date fri{std::chrono::year{2026}, std::chrono::month{12}, std::chrono::day{4}};
  EXPECT_EQ(lookup().next_collection(*f[0], "旭町", wed), fri);
  EXPECT_EQ(lookup().next_collection(*f[0], "どこでもない町", tue), std::nullopt);
}

}  // namespace
}  // namespace mg::faq
