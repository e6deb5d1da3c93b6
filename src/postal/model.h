#pragma once
// Japan Post's postal-code data (KEN_ALL.CSV) as records a resident recognises. Pure: no I/O,
// so the parser can be fuzzed and unit-tested.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mg::postal {

// One town of a postal code. town is "" when the code covers the whole city
// (「以下に掲載がない場合」, 「〇〇一円」, 「…の次に番地がくる場合」).
struct PostalRecord {
  std::string code;        // 7 ASCII digits
  std::string prefecture;  // 北海道
  std::string city;        // 札幌市中央区
  std::string town;        // 北一条西 (ranges such as （１〜１９丁目） removed)
  std::string town_kana;   // full-width katakana, parentheses removed like town
};

// KEN_ALL CSV (Shift_JIS as Japan Post ships it, or the UTF-8 variant; detected) → records in
// file order, continuation lines merged, duplicates (same code and cleaned town) dropped.
// Throws ApiError 400 naming the line for malformed input.
std::vector<PostalRecord> parse_ken_all(std::string_view csv);

// The town column cleaned for residents: 「以下に掲載がない場合」 → "", parenthesised notes and
// ranges removed (「大通西（１〜１９丁目）」 → 「大通西」) except building floors
// (「（１階）」, 「（地階・階層不明）」), which name the place.
std::string clean_town(std::string_view town, std::string_view city);

// Shift_JIS (Windows-31J) → UTF-8 through iconv; throws ApiError 400 on bytes that are not.
std::string shift_jis_to_utf8(std::string_view sjis);

}  // namespace mg::postal
