#pragma once
// Prompt JSON (docs/API.md "Prompt") -> LINE message objects. Pure: no I/O, so every prompt of
// every template can be rendered and checked against LINE's schema in a unit test.
#include <functional>
#include <optional>
#include <string>

#include "core/json.h"

namespace mg::line {

// All messages for one turn, in order; may exceed 5 (the outbox splits into requests).
// Quick replies go on the last message, where LINE shows them.
Json render_prompts(const Json& prompts);

// The answer to a tap on a multi-choice question (tick, untick, page, 選び直す) that leaves the
// resident on that question: one short line (「ソファ を追加しました（選択中：ソファ、机）」) with
// the choices as quick replies, instead of the whole question again. nullopt when the turn is
// anything else (an error, the next step), which render_prompts then renders in full.
std::optional<Json> render_multi_choice_tap(const Json& prompts, const std::string& step_id,
                                            const std::string& tapped);

// Quick-reply items a question of one prompt `input` shows before its choices (a date picker,
// the camera...). Step kinds with an input of their own register one here (built-ins: date,
// location, photo); choices and 戻る are added to every question. Register at start-up.
using QuestionActions = std::function<Json(const Json& question)>;
void register_question_actions(const std::string& input, QuestionActions actions);
// {"type":"action","action":...}, for QuestionActions.
Json quick_reply_item(Json action);

// Plain text, split into several messages when over LINE's 5000 units.
Json text_messages(const std::string& text);

// Postback action with the label cut to 20 units and displayText showing the full label.
Json postback_action(const std::string& label, const std::string& data);

}  // namespace mg::line
