// Residents' questions reach the normaliser and MeCab from the web and LINE. Whatever the bytes,
// normalize() returns valid UTF-8 within its length bound, the terms are non-empty valid UTF-8,
// and a search over a small index returns at most three candidates that exist.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/text_encoding.h"
#include "faq/index.h"
#include "faq/text.h"

namespace {
const mg::faq::Index& index() {
  static const mg::faq::Index idx = [] {
    std::vector<mg::faq::Entry> es(3);
    es[0] = {1, "", "ごみの出し方", {"ゴミの分別"}, "燃やすごみは月曜", "ごみ", "", "", "", "",
             0, 0};
    es[1] = {2, "", "冷蔵庫を捨てたい", {}, "家電リサイクル", "ごみ", "", "", "", "", 0, 0};
    es[2] = {3, "", "住民票の写しがほしい", {}, "市民課へ", "住民票", "", "", "", "", 0, 0};
    return mg::faq::Index(es, {{"国保", "国民健康保険"}}, mg::faq::Analyzer::shared());
  }();
  return idx;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string q(reinterpret_cast<const char*>(data), size);
  std::string n = mg::faq::normalize(q, 200);
  if (!mg::is_utf8(n)) std::abort();
  std::size_t cps = 0;
  for (unsigned char c : n)
    if ((c & 0xC0) != 0x80) ++cps;
  if (cps > 200) std::abort();
  for (const auto& t : mg::faq::Analyzer::shared().terms(q))
    if (t.key.empty() || !mg::is_utf8(t.key)) std::abort();
  auto r = index().search(n, "2026-12-01");
  if (r.candidates.size() > 3) std::abort();
  for (const auto& c : r.candidates)
    if (!index().entry(c.entry_id)) std::abort();
  return 0;
}
