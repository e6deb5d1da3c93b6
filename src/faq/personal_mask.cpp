#include "faq/personal_mask.h"

#include <cstddef>
#include <string>
#include <vector>

namespace mg::faq {

namespace {

struct Cp {
  char32_t c;
  std::size_t at, len;  // bytes in the input
};

std::vector<Cp> decode(std::string_view s) {
  std::vector<Cp> out;
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    std::size_t len = b < 0x80         ? 1
                      : (b >> 5) == 6  ? 2
                      : (b >> 4) == 14 ? 3
                      : (b >> 3) == 30 ? 4
                                       : 0;
    if (len == 0 || i + len > s.size()) {
      out.push_back({0xFFFD, i, 1});  // the byte is copied as it was
      ++i;
      continue;
    }
    char32_t c = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    bool bad = false;
    for (std::size_t k = 1; k < len; ++k) {
      unsigned char n = static_cast<unsigned char>(s[i + k]);
      if ((n & 0xC0) != 0x80) bad = true;
      c = (c << 6) | (n & 0x3F);
    }
    if (bad) {
      out.push_back({0xFFFD, i, 1});
      ++i;
      continue;
    }
    out.push_back({c, i, len});
    i += len;
  }
  return out;
}

bool is_digit(char32_t c) { return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19); }
int digit_value(char32_t c) { return c <= '9' ? int(c - '0') : int(c - 0xFF10); }
bool is_kanji_number(char32_t c) {
  return std::u32string_view(U"〇一二三四五六七八九十百千").find(c) != std::u32string_view::npos;
}
bool is_dash(char32_t c) {
  return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0x30FC || c == 0xFF0D ||
         c == 0xFE63;
}
bool is_space(char32_t c) { return c == ' ' || c == 0x3000; }
bool is_alnum(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) ||
         (c >= 0xFF41 && c <= 0xFF5A);
}
bool is_dot(char32_t c) { return c == '.' || c == 0xFF0E; }
bool is_local_char(char32_t c) {
  return is_alnum(c) || is_dot(c) || c == '_' || c == '%' || c == '+' || c == '-' || c == 0xFF3F ||
         c == 0xFF0D || c == 0xFF0B;
}
bool is_domain_char(char32_t c) { return is_alnum(c) || is_dot(c) || c == '-' || c == 0xFF0D; }

enum class Kind { none, email, phone, postal, my_number, address };

const char* placeholder(Kind k) {
  switch (k) {
    case Kind::none:
      return "";
    case Kind::email:
      return "[メール]";
    case Kind::phone:
      return "[電話番号]";
    case Kind::postal:
      return "[郵便番号]";
    case Kind::my_number:
      return "[個人番号]";
    case Kind::address:
      return "[住所]";
  }
  return "";
}

bool starts_with(const std::vector<Cp>& cps, std::size_t i, std::u32string_view word) {
  if (i + word.size() > cps.size()) return false;
  for (std::size_t k = 0; k < word.size(); ++k)
    if (cps[i + k].c != word[k]) return false;
  return true;
}

// A run of digits (or kanji numerals when `kanji`) from i; its end.
std::size_t number_end(const std::vector<Cp>& cps, std::size_t i, bool kanji) {
  while (i < cps.size() && (is_digit(cps[i].c) || (kanji && is_kanji_number(cps[i].c)))) ++i;
  return i;
}

// Groups of digits joined by single dashes or spaces: 03-1234-5678, 090 1234 5678.
struct Chain {
  std::size_t end = 0;
  std::vector<std::size_t> groups;  // digits per group
  std::vector<std::size_t> ends;    // where each group ends
  bool leading_zero = false;
  bool spaced = false;
};
// Stops at anything already masked (an e-mail address).
Chain chain_at(const std::vector<Cp>& cps, const std::vector<Kind>& kind, std::size_t i,
               bool spaces) {
  Chain ch;
  ch.leading_zero = digit_value(cps[i].c) == 0;
  std::size_t j = i;
  while (true) {
    std::size_t e = j;
    while (e < cps.size() && is_digit(cps[e].c) && kind[e] == Kind::none) ++e;
    ch.groups.push_back(e - j);
    ch.ends.push_back(e);
    ch.end = e;
    if (ch.groups.size() < 4 && e + 1 < cps.size() && kind[e] == Kind::none &&
        kind[e + 1] == Kind::none && (is_dash(cps[e].c) || (spaces && is_space(cps[e].c))) &&
        is_digit(cps[e + 1].c)) {
      ch.spaced = ch.spaced || is_space(cps[e].c);
      j = e + 1;
      continue;
    }
    return ch;
  }
}

// The first `n` groups of a chain.
Chain prefix(const std::vector<Cp>& cps, const Chain& ch, std::size_t n) {
  Chain p = ch;
  p.groups.resize(n);
  p.ends.resize(n);
  p.end = p.ends.back();
  p.spaced = false;
  for (std::size_t g = 0; g + 1 < n; ++g) p.spaced = p.spaced || is_space(cps[p.ends[g]].c);
  return p;
}

Kind classify(const Chain& ch, bool postal_mark) {
  std::size_t digits = 0;
  for (auto g : ch.groups) digits += g;
  if (postal_mark && digits == 7 && ch.groups.size() <= 2) return Kind::postal;
  if (ch.groups.size() == 2 && ch.groups[0] == 3 && ch.groups[1] == 4 && !ch.spaced)
    return Kind::postal;
  if (digits == 12 &&
      (ch.groups.size() == 1 || (ch.groups.size() == 3 && ch.groups[0] == 4 && ch.groups[1] == 4)))
    return Kind::my_number;
  if (ch.leading_zero && (digits == 10 || digits == 11)) return Kind::phone;
  if (!ch.spaced && ch.groups.size() == 3 && !ch.leading_zero && digits <= 9)
    return Kind::address;  // 1-2-3
  return Kind::none;
}

// Extends an address from `i` (just after 丁目/番地/番/号 or a 1-2-3 chain) over what follows
// in the same address: more numbers with suffixes, dashes, 「の」.
std::size_t extend_address(const std::vector<Cp>& cps, std::size_t i) {
  while (i < cps.size()) {
    std::size_t j = i;
    if (is_dash(cps[j].c) || cps[j].c == U'の') ++j;
    std::size_t e = number_end(cps, j, true);
    if (e == j) return i;
    if (starts_with(cps, e, U"丁目") || starts_with(cps, e, U"番地"))
      i = e + 2;
    else if (starts_with(cps, e, U"番") || starts_with(cps, e, U"号"))
      i = e + 1;
    else if (is_digit(cps[j].c))
      i = e;
    else
      return i;
  }
  return i;
}

}  // namespace

std::string mask_personal(std::string_view text) {
  auto cps = decode(text);
  std::size_t n = cps.size();
  std::vector<Kind> kind(n, Kind::none);
  auto mark = [&](std::size_t from, std::size_t to, Kind k) {
    for (std::size_t x = from; x < to && x < n; ++x) kind[x] = k;
  };
  // E-mail addresses first: their digits must not read as phone numbers.
  for (std::size_t i = 0; i < n; ++i) {
    if (cps[i].c != '@' && cps[i].c != 0xFF20) continue;
    std::size_t l = i;
    while (l > 0 && is_local_char(cps[l - 1].c)) --l;
    std::size_t r = i + 1;
    while (r < n && is_domain_char(cps[r].c)) ++r;
    while (r > i + 1 && (is_dot(cps[r - 1].c) || cps[r - 1].c == '-')) --r;
    bool dotted = false;
    for (std::size_t k = i + 1; k < r; ++k) dotted = dotted || is_dot(cps[k].c);
    if (l < i && dotted) mark(l, r, Kind::email);
  }
  for (std::size_t i = 0; i < n;) {
    if (kind[i] != Kind::none) {
      ++i;
      continue;
    }
    bool digit = is_digit(cps[i].c);
    bool kanji = is_kanji_number(cps[i].c);
    if (!digit && !kanji) {
      ++i;
      continue;
    }
    // Block/lot addresses: 2丁目3番4号, 三丁目5-6, 12番地.
    std::size_t e = number_end(cps, i, true);
    bool address = starts_with(cps, e, U"丁目") || starts_with(cps, e, U"番地") ||
                   (starts_with(cps, e, U"番") && e + 1 < n && is_digit(cps[e + 1].c));
    if (address) {
      std::size_t to = extend_address(cps, i);
      if (to > i) {
        mark(i, to, Kind::address);
        i = to;
        continue;
      }
    }
    if (!digit || (i > 0 && (is_digit(cps[i - 1].c) || is_alnum(cps[i - 1].c)))) {
      i = e;
      continue;
    }
    bool postal_mark = false;
    for (std::size_t k = i; k > 0 && i - k < 3; --k) {
      if (cps[k - 1].c == U'〒') postal_mark = true;
      if (!is_space(cps[k - 1].c) && cps[k - 1].c != U'〒') break;
    }
    // Dash-joined groups first (〒100-0001 123456789012 is two things), then with spaces
    // (090 1234 5678); the longest run of groups that reads as something. Whatever follows
    // is looked at on its own, so masking twice changes nothing.
    Chain ch;
    Kind k = Kind::none;
    for (bool spaces : {false, true}) {
      Chain whole = chain_at(cps, kind, i, spaces);
      for (std::size_t g = whole.groups.size(); g > 0 && k == Kind::none; --g) {
        ch = prefix(cps, whole, g);
        k = classify(ch, postal_mark);
      }
      if (k != Kind::none) break;
    }
    if (k == Kind::none) {
      // Only the first group: the others are looked at on their own.
      i = number_end(cps, i, false);
      continue;
    }
    std::size_t to = ch.end;
    if (k == Kind::address) to = extend_address(cps, to);
    mark(i, to, k);
    i = to;
  }
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (kind[i] == Kind::none) {
      out.append(text.substr(cps[i].at, cps[i].len));
      continue;
    }
    // One placeholder per span of the same kind.
    if (i == 0 || kind[i - 1] != kind[i]) out += placeholder(kind[i]);
  }
  return out;
}

}  // namespace mg::faq
