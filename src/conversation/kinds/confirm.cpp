#include "conversation/kinds/basic.h"
#include "conversation/kinds/builtin.h"

namespace mg::conversation::kinds {
namespace {

// The summary before sending. Its prompts and replies (申請する, 修正する, an item to edit)
// are the engine's own (confirm_prompts, Turn::at_confirm), as they span every answer.
class Confirm final : public PassingKind {
 public:
  const char* name() const override { return "confirm"; }
  const char* staff_label() const override { return "入力内容の確認"; }
  void parse(const Json&, FieldReader&, Step&) const override {}
  void validate(const Step&, StepChecks&) const override {}
  Entry enter(const Step&, StepRuntime&) const override { return Entry::ask(); }
  bool holds_route() const override { return true; }
};

}  // namespace

const StepKindSpec& confirm() {
  static const Confirm kind;
  return kind;
}

}  // namespace mg::conversation::kinds
