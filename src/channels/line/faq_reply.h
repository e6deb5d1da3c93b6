#pragma once
// FAQ answers on LINE (issue 14): free text outside a running dialog asks the town's FAQ; the
// answer comes with 「解決しましたか？」 quick replies, uncertain matches as 「もしかして」
// buttons. Taps come back as command postbacks starting with "faq.".
#include <optional>
#include <string>

#include "core/json.h"
#include "faq/service.h"
#include "store/db.h"

namespace mg::line {

// Messages answering `text`, or nullopt when nothing matched (the caller shows its menu; the
// question is in the unanswered log).
// resident_id: whose ごみ収集地区 (attribute kGarbageAreaAttribute) dates garbage answers.
// `asked`, when given, receives the reply (its outcome and entries; the hand-off counts
// failures and takes the answered entry's department).
std::optional<Json> faq_messages(store::Tx& tx, faq::FaqService& faq, int64_t tenant_id,
                                 int64_t resident_id, const std::string& text,
                                 faq::Reply* asked = nullptr);

// True for the postback commands faq_messages' buttons carry.
bool is_faq_command(const std::string& command);
// The answer to such a tap: a chosen candidate's answer, or thanks for the feedback.
Json faq_command_messages(store::Tx& tx, faq::FaqService& faq, int64_t tenant_id,
                          int64_t resident_id, const std::string& command);

// The resident attribute garbage reminders use by default for the district (5374 地名).
inline constexpr const char* kGarbageAreaAttribute = "garbage_area";

}  // namespace mg::line
