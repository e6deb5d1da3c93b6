// Resident-typed dates (西暦/和暦, full-width digits, any separator) and the text normalisation
// under them, on arbitrary bytes. Beyond "no crash", checks that a parsed date is real and
// survives the round trips the engine relies on (ISO for storage, 和暦 for display).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "conversation/date_parse.h"
#include "conversation/normalize.h"

using namespace mg::conversation;

namespace {
void check(bool ok) {
  if (!ok) std::abort();  // an invariant broke: libFuzzer saves the input as a crash
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view s(reinterpret_cast<const char*>(data), size);

  if (auto d = parse_date(s)) {
    check(is_valid_date(d->year, d->month, d->day));
    check(parse_iso_date(to_iso(*d)) == d);
    // 和暦 years are at most two digits in real eras (令和100年 is 2118).
    if (d->year < 2118) check(parse_date(to_wareki(*d)) == d);
    Date today{2025, 4, 1};
    (void)age_on(*d, today);
    (void)add_days(*d, 400);
    (void)add_months(*d, -13);
  }
  if (auto d = parse_iso_date(s)) check(to_iso(*d) == s);

  // Staff-written limits ("+3d", "-100y", ISO, "today") against a few reference days.
  for (Date today : {Date{2025, 4, 1}, Date{1, 1, 31}, Date{9999, 12, 31}}) {
    if (auto d = resolve_date(s, today)) (void)to_wareki(*d);
  }
  (void)is_date_spec(s);

  std::string n = normalize_text(s);
  (void)to_katakana(s);
  (void)is_katakana(s);
  (void)unify_dashes(s);
  check(char_count(truncate_chars(s, 20)) <= 20 || char_count(s) <= 20);
  std::string postal = normalize_postal_code(s);
  check(postal.empty() || postal.size() == 7);
  (void)format_postal_code(postal);
  std::string phone = normalize_phone(s);
  check(phone.empty() || (phone.size() >= 10 && phone.size() <= 11 && phone[0] == '0'));
  (void)normalize_email(s);
  (void)trim_spaces(n);
  return 0;
}
