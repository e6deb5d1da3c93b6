#include <algorithm>
#include <map>

#include "conversation/kinds/basic.h"
#include "conversation/kinds/builtin.h"

namespace mg::conversation::kinds {
namespace {

const char* kLimitText =
    "本日の照合回数の上限に達しました。明日以降にもう一度お試しいただくか、担当課へお問い合わせ"
    "ください。";

// Checks earlier answers against a staff-uploaded list (Context::lookup); the matched row is
// stored as the step's answer.
class Lookup final : public PassingKind {
 public:
  const char* name() const override { return "lookup"; }
  const char* staff_label() const override { return "名簿との照合"; }
  // list, match_fields, on_fail, daily_limit and retry are read with the common fields.
  void parse(const Json&, FieldReader&, Step&) const override {}

  void validate(const Step& s, StepChecks& checks) const override {
    if (s.list.empty())
      checks.add("list", "missing_field", "照合に使うリスト（list）を指定してください");
    if (s.match_fields.empty())
      checks.add("match_fields", "missing_field", "照合する項目（match_fields）を指定してください");
    if (s.daily_limit < 1)
      checks.add("daily_limit", "bad_range", "1日の照合回数の上限は1以上にしてください");
    checks.target("retry", s.retry);
  }

  Entry enter(const Step& s, StepRuntime& rt) const override {
    SessionState& st = rt.state();
    const Context& ctx = rt.context();
    auto misses = std::count_if(rt.effects().begin(), rt.effects().end(), [](const Effect& e) {
      return e.kind == Effect::Kind::lookup_failed;
    });
    int failures = ctx.lookup_failures_today + static_cast<int>(misses);
    if (failures >= s.daily_limit) {
      rt.say(kLimitText);
      return Entry::stop();
    }
    std::map<std::string, std::string> fields;
    for (const auto& [field, source] : s.match_fields) {
      auto it = st.answers.find(source);
      if (it == st.answers.end()) continue;
      fields[field] = it->second.value.is_string() ? it->second.value.get<std::string>()
                                                   : it->second.value.dump();
    }
    std::optional<Json> row;
    if (ctx.lookup) row = ctx.lookup->find(s.list, fields);
    if (row) {
      st.answers[s.id] = Answer{*row, "確認できました"};
      return Entry::go(plain_next(rt.definition(), s));
    }
    Effect e;
    e.kind = Effect::Kind::lookup_failed;
    e.step_id = s.id;
    rt.emit(e);
    rt.say(s.on_fail.empty() ? "入力された内容が登録されている情報と一致しませんでした。"
                             : s.on_fail);
    if (failures + 1 >= s.daily_limit) {
      rt.say(kLimitText);
      return Entry::stop();
    }
    return Entry::go(rt.definition().lookup_retry(s));
  }

  std::vector<std::string> successors(const ServiceDefinition& def, const Step& s) const override {
    return {plain_next(def, s), def.lookup_retry(s)};
  }

  bool stores_answer() const override { return true; }

  // A changed answer invalidates lookups that used it, so they run again.
  bool depends_on(const Step& s, const std::string& answered_step) const override {
    return std::any_of(s.match_fields.begin(), s.match_fields.end(),
                       [&](const auto& f) { return f.second == answered_step; });
  }
};

}  // namespace

const StepKindSpec& lookup() {
  static const Lookup kind;
  return kind;
}

}  // namespace mg::conversation::kinds
