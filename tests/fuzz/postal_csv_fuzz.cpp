// Operators import Japan Post's KEN_ALL.CSV (`madoguchi postal import`); the file is outside
// input (Shift_JIS or UTF-8, continuation lines, quotes). The parser must return records with a
// 7-digit code and valid UTF-8 text, or reject the file with ApiError 400, nothing else.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/errors.h"
#include "core/text_encoding.h"
#include "postal/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string csv(reinterpret_cast<const char*>(data), size);
  try {
    for (const auto& r : mg::postal::parse_ken_all(csv)) {
      if (r.code.size() != 7 || r.code.find_first_not_of("0123456789") != std::string::npos)
        std::abort();
      if (r.prefecture.empty() || r.city.empty()) std::abort();
      for (const auto* s : {&r.prefecture, &r.city, &r.town, &r.town_kana})
        if (!mg::is_utf8(*s)) std::abort();
      mg::postal::clean_town(r.town, r.city);
    }
  } catch (const mg::ApiError& e) {
    if (e.status() != 400) std::abort();
  }
  return 0;
}
