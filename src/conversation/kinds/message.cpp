#include "conversation/kinds/basic.h"
#include "conversation/kinds/builtin.h"

namespace mg::conversation::kinds {
namespace {

class Message final : public PassingKind {
 public:
  const char* name() const override { return "message"; }
  const char* staff_label() const override { return "お知らせ"; }
  // `extension` is read with the common fields.
  void parse(const Json&, FieldReader&, Step&) const override {}
  void validate(const Step&, StepChecks&) const override {}

  // Shows its text; an extension (e.g. "identity") is a hook the host fills in.
  Entry enter(const Step& s, StepRuntime& rt) const override {
    rt.say(s.text);
    if (!s.extension.empty()) {
      Effect e;
      e.kind = Effect::Kind::extension;
      e.step_id = s.id;
      e.name = s.extension;
      rt.emit(e);
    }
    return Entry::go(plain_next(rt.definition(), s));
  }
};

}  // namespace

const StepKindSpec& message() {
  static const Message kind;
  return kind;
}

}  // namespace mg::conversation::kinds
