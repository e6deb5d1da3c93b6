#pragma once
// Japanese input normalisation: residents type full-width digits, hiragana for furigana,
// and every dash variant in phone numbers; staff want one canonical form stored.
#include <string>
#include <string_view>

namespace mg::conversation {

// NFKC (full-width ASCII/digits -> half-width, half-width kana -> full-width) and trimmed of
// ASCII and ideographic spaces.
std::string normalize_text(std::string_view s);

// Trims ASCII whitespace and U+3000 from both ends without other changes.
std::string trim_spaces(std::string_view s);

// Hiragana -> katakana by code point shift; other characters unchanged.
std::string to_katakana(std::string_view s);

// True when every character is katakana, the long vowel mark, a middle dot or a space.
bool is_katakana(std::string_view s);

// Maps every hyphen / dash / long-vowel variant to '-' (used for phone numbers and postal codes
// where residents type ー or － instead of -).
std::string unify_dashes(std::string_view s);

// Number of Unicode code points (LINE and our length limits count characters, not bytes).
size_t char_count(std::string_view s);

// First max_chars characters, with "…" as the last one when cut.
std::string truncate_chars(std::string_view s, size_t max_chars);

// Canonical forms; empty string when invalid.
std::string normalize_postal_code(std::string_view s);  // "1000001"
std::string normalize_phone(std::string_view s);        // digits only, 10-11, leading 0
std::string normalize_email(std::string_view s);        // trimmed, ASCII, one @, dotted domain

// "1000001" -> "100-0001".
std::string format_postal_code(std::string_view digits);

// The prefecture an address starts with (「北海道」), or "" when it starts with none.
std::string_view leading_prefecture(std::string_view address);

}  // namespace mg::conversation
