// Town web pages (uploaded or fetched) reach libxml2's HTML parser and the passage splitter.
// Whatever the bytes: no crash, every passage is valid UTF-8, non-empty and within
// kMaxPassageChars, and there are at most kMaxPassagesPerPage of them.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/text_encoding.h"
#include "faq/html_passages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string html(reinterpret_cast<const char*>(data), size);
  auto page = mg::faq::extract_passages(html);
  if (page.passages.size() > mg::faq::kMaxPassagesPerPage) std::abort();
  if (!mg::is_utf8(page.title)) std::abort();
  for (const auto& p : page.passages) {
    if (p.text.empty() || !mg::is_utf8(p.text) || !mg::is_utf8(p.heading)) std::abort();
    std::size_t n = 0;
    for (unsigned char c : p.text) n += (c & 0xC0) != 0x80;
    if (n > mg::faq::kMaxPassageChars) std::abort();
  }
  return 0;
}
