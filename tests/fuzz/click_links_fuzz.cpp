// Tracked links (delivery/click_tracking.h): staff-written message texts are scanned for URLs
// and rewritten per recipient at send time. Arbitrary bytes as a text message and as a card
// link must give URLs that lie inside the text, a rewrite that replaces exactly those, and
// never crash. The token check of GET /r/{token} runs before any query, on any bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/json.h"
#include "delivery/click_tracking.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  mg::Json messages = mg::Json::array(
      {mg::Json{{"type", "text"}, {"text", text}},
       mg::Json{{"type", "template"},
                {"template",
                 {{"type", "buttons"},
                  {"text", "x"},
                  {"actions", mg::Json::array({mg::Json{{"type", "uri"}, {"uri", text}}})}}}}});
  auto links = mg::delivery::links_in(messages);
  for (const auto& l : links) {
    // Every URL found in the text is a substring of it (or the card's link itself).
    if (l != text && text.find(l) == std::string::npos) std::abort();
    if (l.find_first_of(" \t\r\n") != std::string::npos && l != text) std::abort();
  }
  mg::Json out = mg::delivery::rewrite_links(messages, [](const std::string&) { return "R"; });
  // After the rewrite no link but the replacements remains.
  for (const auto& l : mg::delivery::links_in(out))
    if (l != "R") std::abort();
  return 0;
}
