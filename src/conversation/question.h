#pragma once
// Builds the prompts that ask a step's question and the confirmation summary.
#include <string>
#include <vector>

#include "conversation/context.h"
#include "conversation/date_parse.h"
#include "conversation/definition.h"
#include "conversation/prompt.h"
#include "conversation/session.h"

namespace mg::conversation {

inline constexpr const char* kDoneSelecting = "__done__";
// Multi-choice: untick everything and choose again (LINE's 選び直す).
inline constexpr const char* kClearSelection = "__clear__";
inline constexpr const char* kConfirmSubmit = "confirm";
inline constexpr const char* kConfirmEdit = "edit";
inline constexpr const char* kEditPrefix = "edit:";

// Label staff and the summary use for a step: "label", else the first line of its text.
std::string step_label(const Step& step);

// Button label within LINE's limit: short_label, else the label cut with "…".
std::string button_label(const ChoiceOption& c);

// Choices with 前へ/次へ when there are more than LINE's quick replies hold.
void add_paged_choices(Prompt& p, const std::vector<PromptChoice>& all, int page_index,
                       size_t per_page);

// The question prompt for a question step (current page, selection so far, address phase).
Prompt question_for(const Step& step, const SessionState& state, const Context& ctx);

// Fee of the answers on the route: base fee + choice fees + unit fees.
int64_t total_fee(const ServiceDefinition& def, const Answers& answers, const Date& today);

// Summary prompt plus the confirm question (申請する / 修正する).
std::vector<Prompt> confirm_prompts(const ServiceDefinition& def, const Step& confirm,
                                    const SessionState& state, const Date& today);

// Question listing the answers that can be edited (after 修正する without a step id).
Prompt edit_menu(const ServiceDefinition& def, const Step& confirm, const SessionState& state,
                 const Date& today);

// [{step_id,label,value,display}] of the answers on the route, as stored with the application.
Json answers_json(const ServiceDefinition& def, const Answers& answers, const Date& today);

}  // namespace mg::conversation
