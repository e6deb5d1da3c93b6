#include <algorithm>
#include <charconv>
#include <set>

#include "conversation/kinds/basic.h"
#include "conversation/kinds/builtin.h"
#include "conversation/normalize.h"
#include "conversation/question.h"

namespace mg::conversation::kinds {
namespace {

// Typed text matched against a choice: value, label, button label or its 1-based number.
const ChoiceOption* match_choice(const Step& step, const std::string& typed) {
  std::string t = normalize_text(typed);
  if (t.empty()) return nullptr;
  for (const auto& c : step.choices) {
    if (t == normalize_text(c.value) || t == normalize_text(c.label) ||
        (!c.short_label.empty() && t == normalize_text(c.short_label)) ||
        t == normalize_text(button_label(c)))
      return &c;
  }
  int n = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec == std::errc() && p == t.data() + t.size() && n >= 1 &&
      n <= static_cast<int>(step.choices.size()))
    return &step.choices[n - 1];
  return nullptr;
}

const ChoiceOption* find_value(const Step& step, const std::string& value) {
  for (const auto& c : step.choices)
    if (c.value == value) return &c;
  return nullptr;
}

Interpretation finish_selection(const Step& step, const std::vector<std::string>& values) {
  std::vector<std::string> unique;
  for (const auto& v : values) {
    if (!find_value(step, v))
      return reply::error("選択肢にない項目が含まれています。選び直してください。");
    if (std::find(unique.begin(), unique.end(), v) == unique.end()) unique.push_back(v);
  }
  int n = static_cast<int>(unique.size());
  if (n < step.min_selections)
    return reply::error(std::to_string(step.min_selections) + "つ以上選んでください。");
  if (step.max_selections > 0 && n > step.max_selections)
    return reply::error(std::to_string(step.max_selections) +
                        "つまで選べます。選び直してください。");
  std::string display;
  Json value = Json::array();
  // Keep definition order so summaries and CSV columns read the same for every resident.
  for (const auto& c : step.choices) {
    if (std::find(unique.begin(), unique.end(), c.value) == unique.end()) continue;
    value.push_back(c.value);
    display += (display.empty() ? "" : "、") + c.label;
  }
  return reply::answer(value, display.empty() ? "（選択なし）" : display);
}

Interpretation interpret_choice(const Step& step, const SessionState& state, const Input& in) {
  if (in.type == Input::Type::choice && in.value == kNextPage) return reply::page(state.page + 1);
  if (in.type == Input::Type::choice && in.value == kPrevPage) return reply::page(state.page - 1);
  if (!step.multiple) {
    const ChoiceOption* c = nullptr;
    if (in.type == Input::Type::choice) c = find_value(step, in.value);
    if (const auto* t = text_of(in)) c = match_choice(step, *t);
    if (!c) return reply::error("選択肢の中から選んでください。");
    return reply::answer(c->value, c->label);
  }
  std::vector<std::string> selected;
  if (state.pending.is_object() && state.pending.contains("selected"))
    selected = state.pending["selected"].get<std::vector<std::string>>();
  if (in.type == Input::Type::choices) return finish_selection(step, in.values);
  if (in.type == Input::Type::choice) {
    if (in.value == kDoneSelecting) return finish_selection(step, selected);
    if (in.value == kClearSelection)
      return reply::pending(state.phase, Json{{"selected", Json::array()}});
    if (!find_value(step, in.value)) return reply::error("選択肢の中から選んでください。");
    // A tap toggles, so a mistaken tap can be undone by tapping again.
    auto it = std::find(selected.begin(), selected.end(), in.value);
    if (it == selected.end())
      selected.push_back(in.value);
    else
      selected.erase(it);
    return reply::pending(state.phase, Json{{"selected", selected}});
  }
  if (const auto* t = text_of(in)) {
    std::string s = normalize_text(*t);
    if (s == "選択を終える" || s == "終わり" || s == "決定")
      return finish_selection(step, selected);
    if (s == "選び直す") return reply::pending(state.phase, Json{{"selected", Json::array()}});
    for (const char* sep : {"、", "，", "・", "/", " "}) {
      for (size_t pos; (pos = s.find(sep)) != std::string::npos;)
        s.replace(pos, std::string(sep).size(), ",");
    }
    std::vector<std::string> values;
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i) {
      if (i == s.size() || s[i] == ',') {
        std::string part = s.substr(start, i - start);
        start = i + 1;
        if (part.empty()) continue;
        const ChoiceOption* c = match_choice(step, part);
        if (!c)
          return reply::error("「" + part + "」は選択肢にありません。選択肢から選んでください。");
        values.push_back(c->value);
      }
    }
    return finish_selection(step, values);
  }
  return reply::error("選択肢の中から選んでください。");
}

class Choice final : public QuestionKind {
 public:
  const char* name() const override { return "choice"; }
  const char* staff_label() const override { return "選択"; }
  // choices, multiple, min/max_selections are read for every kind (validation names them on
  // the wrong kind), so nothing more here.
  void parse(const Json&, FieldReader&, Step&) const override {}

  void validate(const Step& s, StepChecks& checks) const override {
    if (s.choices.empty()) checks.add("choices", "no_choices", "選択肢を1つ以上指定してください");
    std::set<std::string> values;
    for (size_t i = 0; i < s.choices.size(); ++i) {
      const auto& c = s.choices[i];
      std::string f = "choices[" + std::to_string(i) + "]";
      if (!values.insert(c.value).second)
        checks.add(f + ".value", "duplicate_choice",
                   "選択肢の値「" + c.value + "」が重複しています");
      if (c.value.rfind("__", 0) == 0)
        checks.add(f + ".value", "reserved_value",
                   "「__」で始まる選択肢の値はシステムで使うため指定できません");
      if (c.fee && *c.fee < 0)
        checks.add(f + ".fee", "bad_fee", "手数料にマイナスは指定できません");
      if (!c.next.empty() && s.multiple)
        checks.add(f + ".next", "unexpected_field",
                   "選択肢ごとの行き先は、1つだけ選ぶ選択のステップにだけ指定できます");
      checks.target(f + ".next", c.next);
    }
    int n = static_cast<int>(s.choices.size());
    if (s.min_selections < 0 || (s.max_selections > 0 && s.min_selections > s.max_selections) ||
        s.min_selections > n)
      checks.add("min_selections", "bad_range", "選べる数の最小・最大が選択肢の数に合っていません");
  }

  std::string hint(const Step& s, const Context&) const override {
    return s.multiple ? "複数選べます。選び終わったら「決定」を押してください。" : "";
  }

  void ask(const Step& step, const SessionState& state, const Context&, Prompt& p) const override {
    p.input = step.multiple ? "multi_choice" : "choice";
    auto previous = state.answers.find(step.id);
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
    // Multi-choice skips by finishing with nothing selected (min_selections is 0 when optional).
    if (!step.multiple) offer_skip(step, p);
  }

  Interpretation interpret(const Step& step, const SessionState& state, const Input& in,
                           const Context&) const override {
    return interpret_choice(step, state, in);
  }

  std::string next(const ServiceDefinition& def, const Step& step, const Answers& answers,
                   const Date&) const override {
    if (!step.multiple) {
      auto it = answers.find(step.id);
      if (it != answers.end() && it->second.value.is_string()) {
        for (const auto& c : step.choices)
          if (c.value == it->second.value && !c.next.empty()) return c.next;
      }
    }
    return plain_next(def, step);
  }

  std::vector<std::string> successors(const ServiceDefinition& def, const Step& s) const override {
    std::vector<std::string> out;
    bool all_routed = !s.multiple && !s.choices.empty() &&
                      std::all_of(s.choices.begin(), s.choices.end(),
                                  [](const ChoiceOption& c) { return !c.next.empty(); });
    if (!s.multiple)
      for (const auto& c : s.choices)
        if (!c.next.empty()) out.push_back(c.next);
    if (!all_routed || s.optional) out.push_back(plain_next(def, s));
    return out;
  }
};

}  // namespace

const StepKindSpec& choice() {
  static const Choice kind;
  return kind;
}

}  // namespace mg::conversation::kinds
