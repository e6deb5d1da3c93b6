#pragma once
// Shared helpers for the conversation tests: definitions from JSON literals, a fixed context.
#include <gtest/gtest.h>

#include <string>

#include "conversation/engine.h"
#include "conversation/validation.h"

namespace mg::conversation::testing {

inline ServiceDefinition must_load(const Json& j) {
  LoadResult r = load_definition(j);
  if (!r.definition) ADD_FAILURE() << "definition did not load: " << r.issues_json().dump();
  return r.definition.value_or(ServiceDefinition{});
}

// A definition with the given steps and the usual header.
inline Json service(Json steps) {
  return Json{{"format", "madoguchi.service/1"},
              {"service_key", "test"},
              {"title", "テスト"},
              {"steps", std::move(steps)}};
}

inline Context today(const std::string& iso = "2025-04-01") {
  Context c;
  c.today = iso;
  c.now_ms = 1'000'000;
  return c;
}

inline const Prompt* find_prompt(const StepResult& r, Prompt::Type t) {
  for (const auto& p : r.prompts)
    if (p.type == t) return &p;
  return nullptr;
}

inline const Effect* find_effect(const StepResult& r, Effect::Kind k) {
  for (const auto& e : r.effects)
    if (e.kind == k) return &e;
  return nullptr;
}

// Feeds typed text turns one after another.
class Dialog {
 public:
  Dialog(ServiceDefinition def, Context ctx) : def_(std::move(def)), ctx_(std::move(ctx)) {
    last_ = start(def_, ctx_);
  }
  const StepResult& text(const std::string& t) { return send(Input::of_text(t)); }
  const StepResult& choice(const std::string& v) { return send(Input::of_choice(v)); }
  const StepResult& command(const std::string& c, const std::string& step = {}) {
    return send(Input::of_command(c, step));
  }
  const StepResult& send(const Input& in) {
    ctx_.now_ms += 1000;
    last_ = handle(def_, SessionState::from_json(last_.state.to_json()), in, ctx_);
    return last_;
  }
  const StepResult& json(const Json& j) {
    last_ = handle_json(def_, last_.state, j, ctx_);
    return last_;
  }
  const StepResult& last() const { return last_; }
  const std::string& step() const { return last_.state.current; }
  Context& context() { return ctx_; }

 private:
  ServiceDefinition def_;
  Context ctx_;
  StepResult last_;
};

}  // namespace mg::conversation::testing
