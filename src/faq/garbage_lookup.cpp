#include "faq/garbage_lookup.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "garbage/schedule.h"

namespace mg::faq {

namespace {

std::size_t cps(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// "衣類（まだ着られるもの）" → "衣類": residents name the thing, not the remark.
std::string without_brackets(std::string_view s) {
  std::string out;
  int depth = 0;
  for (std::size_t i = 0; i < s.size();) {
    auto starts = [&](std::string_view p) { return s.substr(i, p.size()) == p; };
    if (starts("（") || starts("(") || starts("［") || starts("[")) {
      ++depth;
    } else if (depth > 0 && (starts("）") || starts(")") || starts("］") || starts("]"))) {
      --depth;
    } else if (depth == 0) {
      out += s[i];
      ++i;
      continue;
    }
    i += (s[i] == '(' || s[i] == ')' || s[i] == '[' || s[i] == ']') ? 1 : 3;
  }
  return out;
}

void add_key(std::vector<std::string>& keys, std::string k) {
  if (k.empty() || std::find(keys.begin(), keys.end(), k) != keys.end()) return;
  keys.push_back(std::move(k));
}

}  // namespace

std::string japanese_day(garbage::Date d) {
  static const char* const names[] = {"日", "月", "火", "水", "木", "金", "土"};
  std::chrono::weekday w{std::chrono::sys_days{d}};
  return std::to_string(static_cast<unsigned>(d.month())) + "月" +
         std::to_string(static_cast<unsigned>(d.day())) + "日（" + names[w.c_encoding()] + "）";
}

std::string iso_day(garbage::Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

bool asks_about_garbage(std::string_view question) {
  std::string k = reading_key(normalize(question, 200));
  // Reading keys: hiragana is katakana here, long vowels gone.
  for (const char* w : {"ステ", "捨", "ダシカタ", "出シ", "出ス", "ゴミ", "塵", "分別", "処分",
                        "回収", "収集", "廃棄"})
    if (k.find(w) != std::string::npos) return true;
  return false;
}

GarbageLookup::GarbageLookup(garbage::GarbageCalendar calendar, const Analyzer& analyzer)
    : calendar_(std::move(calendar)), analyzer_(analyzer) {
  for (uint32_t i = 0; i < calendar_.items.size(); ++i) {
    const auto& it = calendar_.items[i];
    std::vector<std::string> keys;
    for (const auto& form : {it.name, without_brackets(it.name)})
      for (auto& q : query_keys(form)) add_key(keys, std::move(q));
    // Some towns' furigana is only the index letter (あ): too short to name anything.
    std::string f = reading_key(normalize(it.furigana, 200));
    if (cps(f) >= 2) add_key(keys, std::move(f));
    for (auto& k : keys) {
      by_key_[k].push_back(i);
      key_start_.push_back(joined_.size());
      key_item_.push_back(i);
      key_cps_.push_back(static_cast<uint32_t>(cps(k)));
      joined_ += k;
      joined_ += '\n';
    }
  }
}

std::vector<std::string> GarbageLookup::query_keys(std::string_view text) const {
  std::vector<std::string> out;
  std::string n = normalize(text, 200);
  if (n.empty()) return out;
  add_key(out, reading_key(n));
  // MeCab's reading makes kanji meet kana (冷蔵庫 → レイゾウコ).
  std::string reading;
  for (const auto& m : analyzer_.morphemes(n)) reading += m.reading.empty() ? m.surface : m.reading;
  add_key(out, reading_key(reading));
  // Spaces are not part of any item name.
  for (std::size_t i = 0, n0 = out.size(); i < n0; ++i) {
    std::string s;
    for (char c : out[i])
      if (c != ' ') s += c;
    add_key(out, s);
  }
  return out;
}

GarbageFound GarbageLookup::find(std::string_view question) const {
  GarbageFound found;
  auto qs = query_keys(question);
  if (qs.empty()) return found;
  // tier 3: a key equals the question; 2: a key is inside the question (longest wins);
  // 1: the question is inside a key (closest length first).
  std::vector<std::pair<long, uint32_t>> hits;  // (rank, item)
  int tier = 0;
  for (const auto& q : qs)
    if (auto it = by_key_.find(q); it != by_key_.end())
      for (uint32_t i : it->second) hits.push_back({0, i});
  if (!hits.empty()) tier = 3;
  std::size_t longest_q = 0;
  for (const auto& q : qs) longest_q = std::max(longest_q, cps(q));
  // Two-character names (カラ from カーラー, ハナ) sit inside many sentences: inside a question
  // they count only when it asks about throwing something away.
  const std::size_t shortest_inside = asks_about_garbage(question) ? 2 : 3;
  if (tier == 0) {
    for (const auto& q : qs) {
      // Every substring of at least two characters, shorter than the question.
      std::vector<std::size_t> starts;
      for (std::size_t i = 0; i < q.size(); ++i)
        if ((static_cast<unsigned char>(q[i]) & 0xC0) != 0x80) starts.push_back(i);
      starts.push_back(q.size());
      for (std::size_t a = 0; a + 2 < starts.size() + 0; ++a)
        for (std::size_t b = a + 2; b < starts.size(); ++b) {
          if (a == 0 && b == starts.size() - 1) continue;
          auto it = by_key_.find(q.substr(starts[a], starts[b] - starts[a]));
          if (it == by_key_.end()) continue;
          if (b - a < shortest_inside) continue;
          for (uint32_t i : it->second) hits.push_back({static_cast<long>(b - a), i});
        }
    }
    if (!hits.empty()) tier = 2;
  }
  if (tier == 0) {
    for (const auto& q : qs) {
      std::size_t ql = cps(q);
      if (ql < 2) continue;
      for (std::size_t pos = joined_.find(q); pos != std::string::npos;
           pos = joined_.find(q, pos + 1)) {
        std::size_t k = static_cast<std::size_t>(
            std::upper_bound(key_start_.begin(), key_start_.end(), pos) - key_start_.begin() - 1);
        if (key_cps_[k] > ql) hits.push_back({-static_cast<long>(key_cps_[k] - ql), key_item_[k]});
      }
    }
    if (!hits.empty()) tier = 1;
  }
  if (tier == 0) return found;
  std::stable_sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  long rank = hits[0].first;
  std::vector<char> taken(calendar_.items.size(), 0);
  for (const auto& [r, i] : hits) {
    // Inside the question only the longest names count: 「テレビ台」 over 「テレビ」.
    if (tier == 2 && r != rank) break;
    if (found.items.size() >= kMaxGarbageChoices) break;
    if (taken[i]) continue;
    taken[i] = 1;
    found.items.push_back(&calendar_.items[i]);
  }
  if (tier == 3) {
    found.strength = GarbageFound::Strength::strong;
  } else if (tier == 2) {
    std::size_t extra = longest_q - static_cast<std::size_t>(rank);
    // A name inside a sentence that is not about garbage is a coincidence, not a choice.
    if (!asks_about_garbage(question) && extra > 2) return {};
    found.strength = GarbageFound::Strength::strong;
  } else {
    found.strength = GarbageFound::Strength::partial;
  }
  return found;
}

std::vector<const garbage::Item*> GarbageLookup::named(std::string_view name) const {
  std::vector<const garbage::Item*> out;
  for (const auto& it : calendar_.items)
    if (it.name == name && out.size() < kMaxGarbageChoices) out.push_back(&it);
  return out;
}

std::optional<garbage::Date> GarbageLookup::next_collection(const garbage::Item& item,
                                                            const std::string& area_name,
                                                            garbage::Date today) const {
  const garbage::Area* area = calendar_.area(area_name);
  if (!area) return std::nullopt;
  bool scheduled = std::any_of(calendar_.categories.begin(), calendar_.categories.end(),
                               [&](const auto& c) { return c.label == item.category; });
  if (!scheduled) return std::nullopt;
  for (int i = 0; i < 62; ++i) {
    garbage::Date d{std::chrono::sys_days{today} + std::chrono::days{i}};
    auto labels = garbage::collected_on(calendar_, *area, d);
    if (std::find(labels.begin(), labels.end(), item.category) != labels.end()) return d;
  }
  return std::nullopt;
}

}  // namespace mg::faq
