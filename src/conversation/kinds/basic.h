#pragma once
// Defaults most kinds share, so each kind's file holds only what is its own. parse and
// validate stay pure virtual: every kind says what it reads and checks.
#include "conversation/step_kind.h"

namespace mg::conversation::kinds {

// A step the resident answers: the dialog stops to ask it, then goes to "next".
class QuestionKind : public StepKindSpec {
 public:
  bool asks() const override { return true; }
  Entry enter(const Step&, StepRuntime&) const override { return Entry::ask(); }
  std::string next(const ServiceDefinition& def, const Step& step, const Answers&,
                   const Date&) const override {
    return plain_next(def, step);
  }
  std::vector<std::string> successors(const ServiceDefinition& def,
                                      const Step& step) const override {
    return {plain_next(def, step)};
  }
};

// A step the dialog passes through without asking (its enter hook does the work).
class PassingKind : public StepKindSpec {
 public:
  bool asks() const override { return false; }
  void ask(const Step&, const SessionState&, const Context&, Prompt&) const override {}
  Interpretation interpret(const Step&, const SessionState&, const Input&,
                           const Context&) const override {
    return reply::error("この手順では入力を受け付けていません。");
  }
  std::string next(const ServiceDefinition& def, const Step& step, const Answers&,
                   const Date&) const override {
    return plain_next(def, step);
  }
  std::vector<std::string> successors(const ServiceDefinition& def,
                                      const Step& step) const override {
    return {plain_next(def, step)};
  }
};

}  // namespace mg::conversation::kinds
