// A resident's question goes through the personal-data masker before a generative answer.
// Whatever the bytes: no crash, valid UTF-8 in gives valid UTF-8 out, and masking again
// changes nothing (placeholders contain no maskable data).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/text_encoding.h"
#include "faq/personal_mask.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string masked = mg::faq::mask_personal(text);
  if (mg::is_utf8(text) && !mg::is_utf8(masked)) std::abort();
  if (mg::faq::mask_personal(masked) != masked) std::abort();
  return 0;
}
