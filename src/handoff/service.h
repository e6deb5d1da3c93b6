#pragma once
// The rules of a hand-off, shared by the web routes and the LINE desk: starting one (with the
// automatic reply outside staffed hours), residents' and staff's messages, closing.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "handoff/model.h"
#include "reservations/schedule.h"
#include "store/db.h"

namespace mg::handoff {

// The body of a message, {"text": "..."}: trimmed, 1..kMaxMessageChars code points of valid
// UTF-8, no control characters but newlines and tabs. ApiError 400 (field "text") otherwise.
std::string parse_message_body(const Json& body);
// The same rules for text that arrived another way (LINE); nullopt when it breaks them.
std::optional<std::string> clean_message_text(const std::string& text);

// Words a resident types to ask for a person (「担当者」「人と話したい」「職員と話す」…).
bool asks_for_person(const std::string& text);

// Staffed hours: weekly intervals (JST) and whether national holidays and 12/29–1/3 are closed.
struct Hours {
  reservations::WeeklyHours weekly;
  bool closed_on_holidays = true;
};
// Mon–Fri 8:30–17:15, closed on holidays and the new-year days: a town hall's window.
Hours default_hours();
Hours load_hours_or_default(store::Tx& tx, int64_t tenant_id);
Json hours_json(const Hours& h);
// {"weekly": {...opening hours...}, "closed_on_holidays": bool}; ApiError 400 otherwise.
Hours parse_hours(const Json& body);
bool staffed_at(const Hours& h, int64_t ms);
// When staff are next in, for 「…以降にお返事します」 (nullopt: no hours in the next 30 days).
std::optional<int64_t> next_staffed(const Hours& h, int64_t ms);
// 「12月1日（月）8:30」
std::string describe_time(int64_t ms);

// The FAQ answer a resident saw last before asking for a person: its question-log row, with the
// web resident's feedback token as proof it was theirs (nullopt token: the LINE bot's memory).
struct AnswerRef {
  int64_t question_id = 0;
  std::optional<std::string> token;
};

struct Started {
  Conversation conversation;
  bool created = false;           // false: the resident's open conversation already existed
  std::vector<Message> messages;  // what the resident is told now (system messages)
};
// Opens the resident's hand-off (or returns the open one), with the system message that says
// staff will answer, or when they are back when outside hours. A new one records the entry of
// `answer` when that answer showed one at most kFaqAnswerWindowMs before now_ms.
Started start(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const std::string& channel,
              const std::string& department, const std::vector<std::string>& recent,
              const std::optional<AnswerRef>& answer, int64_t now_ms);
// Adds a message; the conversation's queue position follows.
Message add_message(store::Tx& tx, const Conversation& c, const std::string& sender,
                    std::optional<int64_t> staff_id, const std::string& text, int64_t now_ms);
// Closes it with a system message to the resident (returned).
Message close(store::Tx& tx, const Conversation& c, int64_t staff_id, int64_t now_ms);

constexpr const char* kClosedText =
    "職員との会話を終了しました。ご不明な点は、またいつでも質問してください（自動応答に戻ります）"
    "。";

// The SSE topic staff streams of a tenant listen to, and a resident's conversation's.
std::string tenant_topic(int64_t tenant_id);
std::string conversation_topic(int64_t tenant_id, int64_t conversation_id);

Json message_json(const Message& m);

}  // namespace mg::handoff
