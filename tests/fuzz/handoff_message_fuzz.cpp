// libFuzzer target: arbitrary bytes as the body of a hand-off message (what residents and
// staff POST to …/handoff/{id}/messages) through parse_message_body, and as raw LINE text
// through clean_message_text. Properties: only ApiError is thrown; accepted text is non-empty,
// at most kMaxMessageChars code points and 4 bytes each, free of control characters but
// newlines and tabs, and cleaning it again changes nothing.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/errors.h"
#include "core/json.h"
#include "handoff/service.h"

using namespace mg::handoff;

namespace {
void check_clean(const std::string& t) {
  if (t.empty() || t.size() > kMaxMessageChars * 4) std::abort();
  for (unsigned char c : t)
    if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) std::abort();
  auto again = clean_message_text(t);
  if (!again || *again != t) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string raw(reinterpret_cast<const char*>(data), size);
  if (auto t = clean_message_text(raw)) check_clean(*t);
  mg::Json j = mg::Json::parse(raw, nullptr, false);
  if (j.is_discarded()) return 0;
  try {
    check_clean(parse_message_body(j));
  } catch (const mg::ApiError& e) {
    if (e.status() != 400) std::abort();
  }
  return 0;
}
