#include "conversation/kinds/basic.h"
#include "conversation/kinds/builtin.h"
#include "conversation/question.h"

namespace mg::conversation::kinds {
namespace {

const char* kDefaultCompletion = "申請を受け付けました。\n受付番号：{{receipt_number}}";
const char* kSurveyCompletion = "ご回答ありがとうございました。";

// Sends the answers: an effect the host stores (a new application, or the corrected one).
class Submit final : public PassingKind {
 public:
  const char* name() const override { return "submit"; }
  const char* staff_label() const override { return "申請の送信"; }
  void parse(const Json&, FieldReader&, Step&) const override {}
  void validate(const Step&, StepChecks&) const override {}

  Entry enter(const Step& s, StepRuntime& rt) const override {
    const ServiceDefinition& def = rt.definition();
    SessionState& st = rt.state();
    Effect e;
    e.kind = st.correcting ? Effect::Kind::resubmit : Effect::Kind::submit;
    e.step_id = s.id;
    e.answers = answers_json(def, st.answers, rt.today());
    e.total_fee = total_fee(def, st.answers, rt.today());
    if (!st.correcting) e.consent = st.consent;
    rt.emit(e);
    Prompt done;
    done.type = Prompt::Type::completion;
    done.text = !s.text.empty()                   ? s.text
                : !def.completion_message.empty() ? def.completion_message
                : def.kind == ServiceKind::survey ? kSurveyCompletion
                                                  : kDefaultCompletion;
    rt.show(done);
    st.completed = true;
    st.correcting = false;
    st.correction.clear();
    st.editing = false;
    st.history.clear();  // no 戻る into a submitted application
    return Entry::go(plain_next(def, s));
  }

  bool holds_route() const override { return true; }
};

}  // namespace

const StepKindSpec& submit() {
  static const Submit kind;
  return kind;
}

}  // namespace mg::conversation::kinds
