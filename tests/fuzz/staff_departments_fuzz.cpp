// The department names an admin sends for a staff member (POST/PATCH /api/staff
// {"departments": [...]}), as arbitrary bytes split at NULs into names. Beyond "no crash":
// either a 400 naming "departments", or a sorted list of distinct, non-empty names of at most
// 100 bytes with no blank (ASCII or ideographic space) at either end.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "auth/service.h"
#include "core/errors.h"

namespace {
void check(bool ok) {
  if (!ok) std::abort();  // an invariant broke: libFuzzer saves the input as a crash
}
bool blank_end(const std::string& n) {
  auto ideographic = [&](std::size_t at) { return n.compare(at, 3, "\xE3\x80\x80") == 0; };
  return n.front() == ' ' || n.front() == '\t' || n.back() == ' ' || n.back() == '\t' ||
         ideographic(0) || (n.size() >= 3 && ideographic(n.size() - 3));
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> names;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == '\0') {
      names.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  try {
    auto out = mg::auth::normalize_departments(names);
    check(out.size() <= 20);
    check(std::is_sorted(out.begin(), out.end()));
    check(std::adjacent_find(out.begin(), out.end()) == out.end());
    for (const auto& n : out) check(!n.empty() && n.size() <= 100 && !blank_end(n));
  } catch (const mg::ApiError& e) {
    check(e.status() == 400 && e.field() == "departments");
  }
  return 0;
}
