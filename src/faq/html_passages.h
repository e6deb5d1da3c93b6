#pragma once
// Passages from a municipality's web page (issue 14): the HTML parsed with libxml2's HTML
// parser (Debian libxml2; forgiving like a browser, no network, no entities from outside),
// the page's navigation, scripts and forms dropped, the main text split at headings into
// passages of bounded size, each with its heading so an answer can say where it came from.
// Pure (no I/O) so it can be fuzzed.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mg::faq {

struct Passage {
  std::string heading;  // the nearest heading above (or the page title)
  std::string text;     // plain text, spaces folded, at most kMaxPassageChars code points
};

struct ExtractedPage {
  std::string title;
  std::vector<Passage> passages;
};

constexpr std::size_t kMaxHtmlBytes = 2 * 1024 * 1024;  // per page (upload or fetch)
constexpr std::size_t kMaxPassageChars = 400;
constexpr std::size_t kMaxPassagesPerPage = 200;

// Empty passages when the page has no text. Input over kMaxHtmlBytes is cut there.
ExtractedPage extract_passages(std::string_view html);

}  // namespace mg::faq
