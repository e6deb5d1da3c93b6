#include "conversation/interpret.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "conversation/date_parse.h"
#include "conversation/normalize.h"
#include "conversation/prompt.h"
#include "conversation/question.h"
#include "conversation/step_kind.h"

namespace mg::conversation {
namespace reply {

Interpretation error(std::string message) {
  Interpretation i;
  i.kind = Interpretation::Kind::error;
  i.error = std::move(message);
  return i;
}

Interpretation answer(Json value, std::string display) {
  Interpretation i;
  i.kind = Interpretation::Kind::answer;
  i.answer = Answer{std::move(value), std::move(display)};
  return i;
}

Interpretation pending(std::string phase, Json data) {
  Interpretation i;
  i.kind = Interpretation::Kind::pending;
  i.phase = std::move(phase);
  i.pending = std::move(data);
  return i;
}

Interpretation page(int index) {
  Interpretation i;
  i.kind = Interpretation::Kind::page;
  i.page = std::max(0, index);
  return i;
}

Interpretation skipped() { return answer(Json(), "（未回答）"); }

}  // namespace reply

bool is_skip(const Input& in) {
  if (in.type == Input::Type::choice) return in.value == kSkip;
  if (in.type != Input::Type::text) return false;
  std::string t = normalize_text(in.text);
  return t == "スキップ" || t == "すきっぷ" || t == "なし" || t == "skip" || t == "回答しない";
}

const std::string* text_of(const Input& in) {
  return in.type == Input::Type::text ? &in.text : nullptr;
}

Interpretation interpret(const Step& step, const SessionState& state, const Input& in,
                         const Context& ctx) {
  if (step.optional && is_skip(in)) return reply::skipped();
  return spec_of(step).interpret(step, state, in, ctx);
}

}  // namespace mg::conversation
