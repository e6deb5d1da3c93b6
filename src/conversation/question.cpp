#include "conversation/question.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "conversation/date_parse.h"
#include "conversation/fees.h"
#include "conversation/normalize.h"
#include "conversation/route.h"
#include "conversation/step_kind.h"

namespace mg::conversation {
namespace {

// Fees are staff-written and counts resident-typed, so the sum saturates instead of overflowing.
int64_t saturate(bool overflowed, int64_t value, bool negative) {
  if (!overflowed) return value;
  return negative ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
}

int64_t add_fee(int64_t a, int64_t b) {
  int64_t out = 0;
  bool overflowed = __builtin_add_overflow(a, b, &out);
  return saturate(overflowed, out, b < 0);
}

// Counts below 1e15 are stored as integers (interpret); a larger or fractional one is a double,
// truncated as before but clamped first so the conversion is defined.
int64_t unit_fee_total(int64_t unit_fee, const Json& count) {
  int64_t n = count.is_number_integer()
                  ? count.get<int64_t>()
                  : static_cast<int64_t>(std::clamp(count.get<double>(), -1e15, 1e15));
  int64_t out = 0;
  bool overflowed = __builtin_mul_overflow(unit_fee, n, &out);
  return saturate(overflowed, out, (unit_fee < 0) != (n < 0));
}

}  // namespace

void add_paged_choices(Prompt& p, const std::vector<PromptChoice>& all, int page_index,
                       size_t per_page) {
  if (all.size() <= kMaxUnpagedChoices && per_page >= kChoicesPerPage) {
    p.choices = all;
    return;
  }
  int count = static_cast<int>((all.size() + per_page - 1) / per_page);
  int index = std::clamp(page_index, 0, std::max(0, count - 1));
  size_t begin = static_cast<size_t>(index) * per_page;
  size_t end = std::min(all.size(), begin + per_page);
  if (index > 0) p.choices.push_back(PromptChoice{kPrevPage, "前へ", std::nullopt});
  for (size_t i = begin; i < end; ++i) p.choices.push_back(all[i]);
  if (index + 1 < count) p.choices.push_back(PromptChoice{kNextPage, "次へ", std::nullopt});
  if (count > 1) p.page = std::make_pair(index, count);
}

std::string step_label(const Step& step) {
  if (!step.label.empty()) return step.label;
  std::string first = step.text.substr(0, step.text.find('\n'));
  return truncate_chars(first.empty() ? step.id : first, 30);
}

std::string button_label(const ChoiceOption& c) {
  return truncate_chars(c.short_label.empty() ? c.label : c.short_label, kMaxLabelChars);
}

Prompt question_for(const Step& step, const SessionState& state, const Context& ctx) {
  Prompt p;
  p.type = Prompt::Type::question;
  p.step_id = step.id;
  p.input = "text";
  p.text = step.text;
  p.hint = step.hint.empty() ? spec_of(step).hint(step, ctx) : step.hint;
  auto previous = state.answers.find(step.id);
  if (previous != state.answers.end() && !previous->second.display.empty())
    p.hint += (p.hint.empty() ? "" : "\n") + std::string("現在の回答：") + previous->second.display;

  spec_of(step).ask(step, state, ctx, p);
  return p;
}

int64_t total_fee(const ServiceDefinition& def, const Answers& answers, const Date& today) {
  int64_t total = def.fee.value_or(0);
  for (const auto& id : answered_on_route(def, answers, today)) {
    const Step* s = def.find(id);
    const Json& v = answers.at(id).value;
    if (s->kind == StepKind::choice) {
      for (const auto& c : s->choices) {
        bool chosen =
            v.is_array() ? std::find(v.begin(), v.end(), c.value) != v.end() : v == c.value;
        if (chosen && c.fee) total = add_fee(total, *c.fee);
      }
    } else if (s->kind == StepKind::text && s->unit_fee && v.is_number()) {
      total = add_fee(total, unit_fee_total(*s->unit_fee, v));
    }
  }
  return total;
}

std::vector<Prompt> confirm_prompts(const ServiceDefinition& def, const Step& confirm,
                                    const SessionState& state, const Date& today) {
  Prompt summary;
  summary.type = Prompt::Type::summary;
  summary.text = confirm.text.empty() ? "入力内容を確認してください。" : confirm.text;
  for (const auto& id : answered_on_route(def, state.answers, today)) {
    const Step* s = def.find(id);
    summary.items.push_back(
        SummaryItem{id, step_label(*s), state.answers.at(id).display, is_question(*s)});
  }
  int64_t fee = total_fee(def, state.answers, today);
  summary.total_fee = fee;
  if (fee > 0) summary.text += "\n手数料の合計：" + yen(fee);

  Prompt q;
  q.type = Prompt::Type::question;
  q.step_id = confirm.id;
  q.input = "confirm";
  q.text = "この内容で申請しますか？";
  q.hint = "修正する場合は「修正する」を押してください。";
  q.choices = {PromptChoice{kConfirmSubmit, "この内容で申請する", std::nullopt},
               PromptChoice{kConfirmEdit, "修正する", std::nullopt}};
  return {summary, q};
}

Prompt edit_menu(const ServiceDefinition& def, const Step& confirm, const SessionState& state,
                 const Date& today) {
  Prompt q;
  q.type = Prompt::Type::question;
  q.step_id = confirm.id;
  q.input = "choice";
  q.text = "修正する項目を選んでください。";
  std::vector<PromptChoice> all;
  for (const auto& id : answered_on_route(def, state.answers, today)) {
    const Step* s = def.find(id);
    if (!is_question(*s)) continue;
    all.push_back(PromptChoice{kEditPrefix + id, truncate_chars(step_label(*s), kMaxLabelChars),
                               std::nullopt});
  }
  add_paged_choices(q, all, state.page, kChoicesPerPage);
  return q;
}

Json answers_json(const ServiceDefinition& def, const Answers& answers, const Date& today) {
  Json out = Json::array();
  for (const auto& id : answered_on_route(def, answers, today)) {
    const Step* s = def.find(id);
    const Answer& a = answers.at(id);
    out.push_back(
        {{"step_id", id}, {"label", step_label(*s)}, {"value", a.value}, {"display", a.display}});
  }
  return out;
}

}  // namespace mg::conversation
