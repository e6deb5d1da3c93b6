// A resident's question goes through the personal-data masker before a generative answer.
// Whatever the bytes: no crash, valid UTF-8 in gives valid UTF-8 out, and masking again
// changes nothing (placeholders contain no maskable data). The name masker (MeCab's part of
// speech, on normalised text as the service calls it) keeps valid UTF-8 valid and never
// removes a placeholder the patterns wrote.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/text_encoding.h"
#include "faq/personal_mask.h"
#include "faq/text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string masked = mg::faq::mask_personal(text);
  if (mg::is_utf8(text) && !mg::is_utf8(masked)) std::abort();
  if (mg::faq::mask_personal(masked) != masked) std::abort();
  if (mg::is_utf8(text)) {
    std::string norm = mg::faq::normalize(text, 500);
    std::string named = mg::faq::mask_personal(norm, mg::faq::Analyzer::shared());
    if (!mg::is_utf8(named)) std::abort();
    for (const char* ph : {"[メール]", "[電話番号]", "[郵便番号]", "[個人番号]", "[住所]"}) {
      auto count = [&](const std::string& s) {
        std::size_t n = 0;
        for (auto at = s.find(ph); at != std::string::npos; at = s.find(ph, at + 1)) ++n;
        return n;
      };
      if (count(named) < count(mg::faq::mask_personal(norm))) std::abort();
    }
  }
  return 0;
}
