#include "conversation/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>

namespace mg::conversation {
namespace {

icu::UnicodeString from_utf8(std::string_view s) {
  return icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
}

std::string to_utf8(const icu::UnicodeString& u) {
  std::string out;
  u.toUTF8String(out);
  return out;
}

bool is_space(UChar32 c) { return c == 0x20 || c == 0x3000 || (c >= 0x09 && c <= 0x0D); }

bool is_dash(UChar32 c) {
  switch (c) {
    case 0x2D:
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212:
    case 0x30FC:
    case 0xFF70:
    case 0xFE63:
    case 0xFF0D:
    case 0x2043:
    case 0x02D7:
    case 0xFE58:
      return true;
    default:
      return false;
  }
}

// Applies f to each code point and rebuilds the string.
template <typename F>
std::string map_code_points(std::string_view s, F f) {
  icu::UnicodeString u = from_utf8(s);
  icu::UnicodeString out;
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    out.append(f(c));
  }
  return to_utf8(out);
}

}  // namespace

std::string trim_spaces(std::string_view s) {
  icu::UnicodeString u = from_utf8(s);
  int32_t begin = 0;
  int32_t end = u.length();
  while (begin < end && is_space(u.char32At(begin))) begin += U16_LENGTH(u.char32At(begin));
  while (end > begin) {
    int32_t prev = u.moveIndex32(end, -1);
    if (!is_space(u.char32At(prev))) break;
    end = prev;
  }
  return to_utf8(u.tempSubStringBetween(begin, end));
}

std::string normalize_text(std::string_view s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) return trim_spaces(s);
  icu::UnicodeString out = nfkc->normalize(from_utf8(s), status);
  if (U_FAILURE(status)) return trim_spaces(s);
  return trim_spaces(to_utf8(out));
}

std::string to_katakana(std::string_view s) {
  return map_code_points(s, [](UChar32 c) -> UChar32 {
    if ((c >= 0x3041 && c <= 0x3096) || c == 0x309D || c == 0x309E) return c + 0x60;
    return c;
  });
}

bool is_katakana(std::string_view s) {
  icu::UnicodeString u = from_utf8(s);
  if (u.isEmpty()) return false;
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    bool ok = (c >= 0x30A1 && c <= 0x30FA) || c == 0x30FC || c == 0x30FB || c == 0x30FD ||
              c == 0x30FE || c == 0x20 || c == 0x3000;
    if (!ok) return false;
  }
  return true;
}

std::string unify_dashes(std::string_view s) {
  return map_code_points(s, [](UChar32 c) -> UChar32 { return is_dash(c) ? 0x2D : c; });
}

size_t char_count(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string truncate_chars(std::string_view s, size_t max_chars) {
  if (char_count(s) <= max_chars || max_chars == 0) return std::string(s);
  size_t kept = 0;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (kept == max_chars - 1) break;
      ++kept;
    }
  }
  return std::string(s.substr(0, i)) + "…";
}

namespace {
// Digits left after removing dashes, spaces and brackets; empty if anything else remains.
std::string digits_only(std::string_view s) {
  std::string t = unify_dashes(normalize_text(s));
  std::string out;
  for (char c : t) {
    if (c >= '0' && c <= '9') {
      out += c;
    } else if (c == '-' || c == ' ' || c == '(' || c == ')') {
      continue;
    } else {
      return {};
    }
  }
  return out;
}
}  // namespace

std::string normalize_postal_code(std::string_view s) {
  std::string t = unify_dashes(normalize_text(s));
  if (!t.empty() && t.rfind("〒", 0) == 0) t = trim_spaces(t.substr(std::string("〒").size()));
  // Only "1234567" or "123-4567": a dash elsewhere means a typo.
  if (t.size() == 8 && t[3] == '-') t.erase(3, 1);
  if (t.size() != 7 ||
      !std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return {};
  return t;
}

std::string normalize_phone(std::string_view s) {
  std::string d = digits_only(s);
  if (d.size() < 10 || d.size() > 11 || d[0] != '0') return {};
  return d;
}

std::string normalize_email(std::string_view s) {
  std::string t = normalize_text(s);
  auto at = t.find('@');
  if (at == std::string::npos || at == 0 || t.find('@', at + 1) != std::string::npos) return {};
  for (unsigned char c : t) {
    if (c >= 0x80 || std::isspace(c) || c == ',' || c == ';' || c == '<' || c == '>') return {};
  }
  std::string domain = t.substr(at + 1);
  auto dot = domain.find('.');
  if (dot == std::string::npos || dot == 0 || domain.back() == '.' ||
      domain.find("..") != std::string::npos)
    return {};
  return t;
}

std::string format_postal_code(std::string_view digits) {
  if (digits.size() != 7) return std::string(digits);
  return std::string(digits.substr(0, 3)) + "-" + std::string(digits.substr(3));
}

std::string_view leading_prefecture(std::string_view address) {
  static constexpr std::string_view kPrefectures[] = {
      "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県",   "福島県", "茨城県",
      "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県",
      "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県",   "愛知県", "三重県",
      "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県",
      "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県",   "高知県", "福岡県",
      "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県"};
  for (auto p : kPrefectures)
    if (address.substr(0, p.size()) == p) return p;
  return {};
}

}  // namespace mg::conversation
