#include "conversation/question.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "conversation/date_parse.h"
#include "conversation/fees.h"
#include "conversation/normalize.h"
#include "conversation/route.h"

namespace mg::conversation {
namespace {

const char* input_kind(const Step& s) {
  switch (s.kind) {
    case StepKind::choice:
      return s.multiple ? "multi_choice" : "choice";
    case StepKind::date:
      return "date";
    case StepKind::photo:
      return "photo";
    case StepKind::location:
      return "location";
    case StepKind::rating:
      return "rating";
    case StepKind::confirm:
      return "confirm";
    default:
      return "text";
  }
}

std::string format_hint(const Step& s) {
  switch (s.kind) {
    case StepKind::text:
      switch (s.format) {
        case TextFormat::kana:
          return "カタカナ（ひらがなでも可）で入力してください。";
        case TextFormat::email:
          return "例：taro@example.jp";
        case TextFormat::phone:
          return "例：090-1234-5678（ハイフンなしでも可）";
        case TextFormat::postal_code:
          return "例：123-4567";
        case TextFormat::number:
          return "数字で入力してください。";
        case TextFormat::free:
          return {};
      }
      return {};
    case StepKind::date:
      return "例：令和7年4月1日、2025/4/1";
    case StepKind::photo:
      return "写真を送ってください。";
    case StepKind::location:
      return "位置情報を送るか、場所を文字で入力してください。";
    case StepKind::choice:
      return s.multiple ? "複数選べます。選び終わったら「決定」を押してください。" : "";
    default:
      return {};
  }
}

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
  p.input = input_kind(step);
  p.text = step.text;
  p.hint = step.hint.empty() ? format_hint(step) : step.hint;
  auto previous = state.answers.find(step.id);
  if (previous != state.answers.end() && !previous->second.display.empty())
    p.hint += (p.hint.empty() ? "" : "\n") + std::string("現在の回答：") + previous->second.display;

  Date today = parse_iso_date(ctx.today).value_or(Date{2000, 1, 1});
  switch (step.kind) {
    case StepKind::choice: {
      // Cut button labels carry their full wording in full_label; the LINE renderer lists
      // those in its text, the web shows them on the buttons.
      std::vector<PromptChoice> all;
      for (const auto& c : step.choices) {
        PromptChoice pc{c.value, button_label(c), c.fee, {}};
        if (pc.label != c.label) pc.full_label = c.label;
        all.push_back(std::move(pc));
      }
      if (step.multiple) {
        add_paged_choices(p, all, state.page, kChoicesPerPage - 1);
        // Same word as the web's own button, so the hint names what the resident sees.
        p.choices.push_back(PromptChoice{kDoneSelecting, "決定"});
        Json ticked = Json::array();  // definition order, as answers are stored
        if (state.pending.is_object() && state.pending.contains("selected") &&
            state.pending["selected"].is_array()) {
          const Json& sel = state.pending["selected"];
          for (const auto& c : step.choices) {
            if (std::find(sel.begin(), sel.end(), c.value) == sel.end()) continue;
            p.selected.push_back(PromptChoice{c.value, c.label, c.fee});
            ticked.push_back(c.value);
          }
        }
        // A running tally for taps (LINE); an untouched edit already shows 現在の回答.
        bool untouched = previous != state.answers.end() && previous->second.value == ticked;
        if (!p.selected.empty() && !untouched) {
          std::string chosen;
          for (const auto& c : p.selected) chosen += (chosen.empty() ? "" : "、") + c.label;
          p.hint += (p.hint.empty() ? "" : "\n") + std::string("選択中：") + chosen;
        }
      } else {
        add_paged_choices(p, all, state.page, kChoicesPerPage);
      }
      break;
    }
    case StepKind::text:
      if (step.format != TextFormat::free) p.format = to_string(step.format);
      p.min_length = step.min_length;
      p.max_length = step.max_length;
      p.min = step.min;
      p.max = step.max;
      break;
    case StepKind::date:
      if (!step.min_date.empty())
        if (auto d = resolve_date(step.min_date, today)) p.min_date = to_iso(*d);
      if (!step.max_date.empty())
        if (auto d = resolve_date(step.max_date, today)) p.max_date = to_iso(*d);
      break;
    case StepKind::address:
      if (step.ask_postal_code && state.phase.empty()) {
        p.text += "\nまず郵便番号（7桁）を入力してください。";
        p.hint = "例：123-4567（わからない場合は「わからない」を押してください）";
        p.format = to_string(TextFormat::postal_code);
        p.choices.push_back(PromptChoice{"__unknown__", "わからない", std::nullopt});
      } else if (state.pending.is_object() && state.pending.contains("prefix")) {
        p.text = "〒" + format_postal_code(state.pending.value("postal_code", "")) + " " +
                 state.pending.value("prefix", "") +
                 " に続く番地・建物名・部屋番号を入力してください。";
        p.hint.clear();
      } else {
        p.text += "\n住所を都道府県から入力してください。";
        p.hint = "例：東京都千代田区千代田1-1 〇〇マンション101号室";
      }
      break;
    case StepKind::rating: {
      static const char* kLabels[] = {"1 不満", "2 やや不満", "3 ふつう", "4 やや満足", "5 満足"};
      for (int i = 5; i >= 1; --i)
        p.choices.push_back(PromptChoice{std::to_string(i), kLabels[i - 1], std::nullopt});
      break;
    }
    default:
      break;
  }
  // Multi-choice skips by finishing with nothing selected (min_selections is 0 when optional).
  if (step.kind == StepKind::rating)
    p.choices.push_back(PromptChoice{kSkip, "回答しない", std::nullopt});
  else if (step.optional && !(step.kind == StepKind::choice && step.multiple))
    p.choices.push_back(PromptChoice{kSkip, "スキップ", std::nullopt});
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
        SummaryItem{id, step_label(*s), state.answers.at(id).display, s->kind != StepKind::lookup});
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
    if (s->kind == StepKind::lookup) continue;
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
