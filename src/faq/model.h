#pragma once
// The FAQ knowledge base: a town's own questions and answers (issue 14).
#include <cstdint>
#include <string>
#include <vector>

namespace mg::faq {

struct Entry {
  int64_t id = 0;
  std::string external_id;                // the ID column of an imported open-data file
  std::string question;                   // the main phrasing
  std::vector<std::string> alternatives;  // other ways residents ask the same
  std::string answer;                     // text; URLs in it are shown as links
  std::string category;
  std::string department;
  std::string url;
  std::string valid_from;   // YYYY-MM-DD or ""; shown only from this day (JST)
  std::string valid_until;  // YYYY-MM-DD or ""; shown up to and including this day
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// Limits that keep one entry (and the index) bounded.
constexpr std::size_t kMaxQuestionChars = 300;
constexpr std::size_t kMaxAnswerChars = 4000;
constexpr std::size_t kMaxAlternatives = 20;
constexpr std::size_t kMaxShortChars = 200;  // category, department
constexpr std::size_t kMaxUrlChars = 1000;
constexpr std::size_t kMaxEntries = 20000;  // per tenant
constexpr std::size_t kMaxAskChars = 200;   // a resident's question

// Whether the entry may be shown on `today` (YYYY-MM-DD, JST).
inline bool valid_on(const Entry& e, const std::string& today) {
  if (!e.valid_from.empty() && today < e.valid_from) return false;
  if (!e.valid_until.empty() && today > e.valid_until) return false;
  return true;
}

}  // namespace mg::faq
