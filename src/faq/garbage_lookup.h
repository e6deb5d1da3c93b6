#pragma once
// Garbage sorting inside FAQ answers (issue 14): a resident's words name an item of the town's
// sorting dictionary (5374 target.csv) in any spelling (ごみ/ゴミ, kana or kanji, any width);
// the answer is its category, how to put it out and, for the resident's district, the next
// collection day of that category. Items are matched on reading keys (faq/text.h) of the name,
// its furigana and MeCab's reading of the name, so 冷蔵庫, れいぞうこ and ﾚｲｿﾞｳｺ meet.
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "faq/text.h"
#include "garbage/model.h"

namespace mg::faq {

struct GarbageMatch {
  const garbage::Item* item = nullptr;
  std::optional<garbage::Date> next;  // next collection of its category in the district
};

struct GarbageFound {
  enum class Strength { none, partial, strong };
  Strength strength = Strength::none;
  std::vector<const garbage::Item*> items;  // best first; at most kMaxGarbageChoices
};

// LINE allows 13 quick replies; the web shows the same number of buttons.
constexpr std::size_t kMaxGarbageChoices = 13;

class GarbageLookup {
 public:
  GarbageLookup(garbage::GarbageCalendar calendar, const Analyzer& analyzer);

  // strong: the question is (or plainly asks about) an item; partial: the words are part of
  // some items' names (shown only when the FAQ has nothing better).
  GarbageFound find(std::string_view question) const;
  // Items named exactly `name` (a tapped choice).
  std::vector<const garbage::Item*> named(std::string_view name) const;
  // The next day from `today` (within 62 days) the item's category is collected in `area`;
  // nullopt when the area is unknown or the category has no collection days (粗大ごみ etc.).
  std::optional<garbage::Date> next_collection(const garbage::Item& item, const std::string& area,
                                               garbage::Date today) const;
  const garbage::GarbageCalendar& calendar() const { return calendar_; }
  bool has_area(const std::string& area) const { return calendar_.area(area) != nullptr; }

 private:
  std::vector<std::string> query_keys(std::string_view text) const;
  garbage::GarbageCalendar calendar_;
  const Analyzer& analyzer_;
  // Every item's reading keys: by key for exact and inside-the-question look-ups, and joined
  // into one text (newline-separated) so a partial word is one substring scan, not one per key.
  std::unordered_map<std::string, std::vector<uint32_t>> by_key_;
  std::string joined_;
  std::vector<std::size_t> key_start_;  // offset of each key in joined_
  std::vector<uint32_t> key_item_, key_cps_;
};

// "12月4日（金）" for answers; "2026-12-04" for JSON.
std::string japanese_day(garbage::Date d);
std::string iso_day(garbage::Date d);

// Whether the words ask how to throw something away (捨て方, 何ごみ, 分別…).
bool asks_about_garbage(std::string_view question);

}  // namespace mg::faq
