#pragma once
// FAQ answers on LINE (issue 14): free text outside a running dialog asks the town's FAQ; the
// answer comes with 「解決しましたか？」 quick replies, uncertain matches as 「もしかして」
// buttons. Taps come back as command postbacks starting with "faq.".
#include <optional>
#include <string>
#include <string_view>

#include "core/json.h"
#include "faq/service.h"
#include "jobs/queue.h"
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
// The entry a tapped もしかして candidate names ("faq.pick:<id>"): a FAQ entry, or a passage of
// the town's web pages as a negative id. nullopt for anything else.
std::optional<int64_t> faq_pick_id(std::string_view command);
// The answer to such a tap: a chosen candidate's answer, or thanks for the feedback.
// `answered`, when given, receives the reply when the tap was answered (a chosen candidate, a
// garbage item): the hand-off remembers the last answer.
Json faq_command_messages(store::Tx& tx, faq::FaqService& faq, int64_t tenant_id,
                          int64_t resident_id, const std::string& command,
                          faq::Reply* answered = nullptr);

// Generative answers on LINE: the model is never called inside the event's transaction.
// When the web would ask it (candidates strong enough, an endpoint, the tenant's switch on),
// defer_generated_answer enqueues a kGeneratedAnswerJob carrying the plain answer
// (`fallback`, the messages the event would have sent) and returns true; the caller then
// sends nothing now. The job (answer_generated) calls the model after the commit and writes,
// in one transaction with the call's faq_generations row (unique per question, so a retried
// job never sends twice), the generated answer with its sources followed by `fallback`, or
// `fallback` alone on any failure, to the outbox with the event's reply token (the dispatcher
// pushes instead once the token is stale).
inline constexpr const char* kGeneratedAnswerJob = "faq.line_answer";
bool defer_generated_answer(store::Tx& tx, faq::FaqService& faq, int64_t tenant_id,
                            const faq::Reply& asked, const std::string& user_id,
                            const std::string& reply_token, int64_t reply_token_at,
                            const Json& fallback);
// The job's handler; true when it wrote outbox rows (wake the dispatcher).
bool answer_generated(store::Db& db, faq::FaqService& faq, const jobs::Job& job);

// The resident attribute garbage reminders use by default for the district (5374 地名).
inline constexpr const char* kGarbageAreaAttribute = "garbage_area";

}  // namespace mg::line
