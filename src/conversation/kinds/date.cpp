#include "conversation/kinds/basic.h"
#include "conversation/kinds/builtin.h"

namespace mg::conversation::kinds {
namespace {

Interpretation interpret_date(const Step& step, const Input& in, const Context& ctx) {
  std::optional<Date> d;
  if (in.type == Input::Type::date)
    d = parse_iso_date(in.date);
  else if (const auto* t = text_of(in))
    d = parse_date(*t);
  else
    return reply::error("日付を入力してください。" + date_examples(ctx.today));
  if (!d)
    return reply::error("日付を読み取れませんでした。存在する日付を入力してください。" +
                        date_examples(ctx.today));
  Date today = parse_iso_date(ctx.today).value_or(*d);
  if (!step.min_date.empty())
    if (auto min = resolve_date(step.min_date, today); min && *d < *min)
      return reply::error(to_wareki(*min) + "以降の日付を入力してください。");
  if (!step.max_date.empty())
    if (auto max = resolve_date(step.max_date, today); max && *d > *max)
      return reply::error(to_wareki(*max) + "以前の日付を入力してください。");
  return reply::answer(to_iso(*d), to_wareki(*d));
}

class DateKind final : public QuestionKind {
 public:
  const char* name() const override { return "date"; }
  const char* staff_label() const override { return "日付の入力"; }
  // "min"/"max" are shared with numbers in the format; on a date step strings mean dates.
  void parse(const Json& j, FieldReader&, Step& step) const override {
    if (j.contains("min") && j["min"].is_string()) step.min_date = j["min"].get<std::string>();
    if (j.contains("max") && j["max"].is_string()) step.max_date = j["max"].get<std::string>();
  }

  void validate(const Step& s, StepChecks& checks) const override {
    for (auto [field, spec] : {std::pair{"min", s.min_date}, std::pair{"max", s.max_date}})
      if (!spec.empty() && !is_date_spec(spec))
        checks.add(field, "bad_date",
                   "日付の範囲は YYYY-MM-DD、today、または +3d・-100y "
                   "のような相対指定で入力してください");
  }

  std::string hint(const Step&, const Context& ctx) const override {
    return date_examples(ctx.today);
  }

  void ask(const Step& step, const SessionState&, const Context& ctx, Prompt& p) const override {
    p.input = "date";
    Date today = parse_iso_date(ctx.today).value_or(Date{2000, 1, 1});
    if (!step.min_date.empty())
      if (auto d = resolve_date(step.min_date, today)) p.min_date = to_iso(*d);
    if (!step.max_date.empty())
      if (auto d = resolve_date(step.max_date, today)) p.max_date = to_iso(*d);
    offer_skip(step, p);
  }

  Interpretation interpret(const Step& step, const SessionState&, const Input& in,
                           const Context& ctx) const override {
    return interpret_date(step, in, ctx);
  }
};

}  // namespace

const StepKindSpec& date() {
  static const DateKind kind;
  return kind;
}

}  // namespace mg::conversation::kinds
