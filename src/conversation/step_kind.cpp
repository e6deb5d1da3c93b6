#include "conversation/step_kind.h"

#include <map>
#include <stdexcept>

#include "conversation/kinds/builtin.h"
#include "conversation/kinds/reserve.h"
#include "conversation/question.h"

namespace mg::conversation {

namespace {

// Name -> kind; the built-ins first. Built-ins are listed here rather than registering
// themselves, because the linker drops unreferenced objects of a static library.
std::map<std::string, const StepKindSpec*, std::less<>>& registry() {
  static std::map<std::string, const StepKindSpec*, std::less<>> kinds = [] {
    std::map<std::string, const StepKindSpec*, std::less<>> m;
    for (StepKind k : {StepKind::message, StepKind::choice, StepKind::text, StepKind::date,
                       StepKind::address, StepKind::photo, StepKind::location, StepKind::branch,
                       StepKind::lookup, StepKind::confirm, StepKind::submit, StepKind::rating}) {
      const StepKindSpec& spec = builtin_spec(k);
      m[spec.name()] = &spec;
    }
    // Plug-in kinds that ship with madoguchi.
    m[kinds::reserve().name()] = &kinds::reserve();
    return m;
  }();
  return kinds;
}

}  // namespace

const StepKindSpec& builtin_spec(StepKind k) {
  switch (k) {
    case StepKind::message:
      return kinds::message();
    case StepKind::choice:
      return kinds::choice();
    case StepKind::text:
      return kinds::text();
    case StepKind::date:
      return kinds::date();
    case StepKind::address:
      return kinds::address();
    case StepKind::photo:
      return kinds::photo();
    case StepKind::location:
      return kinds::location();
    case StepKind::branch:
      return kinds::branch();
    case StepKind::lookup:
      return kinds::lookup();
    case StepKind::confirm:
      return kinds::confirm();
    case StepKind::submit:
      return kinds::submit();
    case StepKind::rating:
      return kinds::rating();
    case StepKind::plugin:
      break;
  }
  throw std::logic_error("a plug-in step kind has no built-in spec");
}

void register_step_kind(const StepKindSpec& spec) {
  if (!registry().emplace(spec.name(), &spec).second)
    throw std::invalid_argument(std::string("step kind already registered: ") + spec.name());
}

void unregister_step_kind(const std::string& name) {
  auto it = registry().find(name);
  if (it == registry().end() || step_kind_from(name)) return;
  registry().erase(it);
}

const StepKindSpec* find_step_kind(const std::string& name) {
  auto it = registry().find(name);
  return it == registry().end() ? nullptr : it->second;
}

const StepKindSpec& spec_of(const Step& step) {
  return step.spec ? *step.spec : builtin_spec(step.kind);
}

std::string plain_next(const ServiceDefinition& def, const Step& step) {
  return step.next.empty() ? def.following(step) : step.next;
}

void offer_skip(const Step& step, Prompt& p) {
  if (step.optional) p.choices.push_back(PromptChoice{kSkip, "スキップ", std::nullopt});
}

}  // namespace mg::conversation
