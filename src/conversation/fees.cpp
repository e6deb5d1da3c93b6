#include "conversation/fees.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <set>
#include <vector>

#include "conversation/validation.h"

namespace mg::conversation {

namespace {

// Staff-written fees: sums saturate instead of overflowing.
int64_t add(int64_t a, int64_t b) {
  int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) return std::numeric_limits<int64_t>::max();
  return out;
}

// The least a step adds to the fee whatever the resident answers.
int64_t cheapest_answer(const Step& s) {
  if (s.optional) return 0;
  if (s.kind == StepKind::choice) {
    std::vector<int64_t> fees;
    for (const auto& c : s.choices) fees.push_back(std::max<int64_t>(0, c.fee.value_or(0)));
    std::sort(fees.begin(), fees.end());
    size_t need = s.multiple ? static_cast<size_t>(std::max(0, s.min_selections)) : 1;
    int64_t sum = 0;
    for (size_t i = 0; i < need && i < fees.size(); ++i) sum = add(sum, fees[i]);
    return sum;
  }
  if (s.kind == StepKind::text && s.unit_fee && *s.unit_fee > 0 && s.min && *s.min > 0) {
    double units = std::ceil(std::min(*s.min, 1e15));
    int64_t out = 0;
    if (__builtin_mul_overflow(*s.unit_fee, static_cast<int64_t>(units), &out))
      return std::numeric_limits<int64_t>::max();
    return out;
  }
  return 0;
}

// Steps on every route from the start to an application (a submit step; the end when the
// service has none): without them no application can be made.
std::set<std::string> unavoidable_steps(const ServiceDefinition& def) {
  bool has_submit = std::any_of(def.steps.begin(), def.steps.end(),
                                [](const Step& s) { return s.kind == StepKind::submit; });
  auto finishes_without = [&](const std::string& avoided) {
    std::set<std::string> seen;
    std::vector<std::string> todo{def.start};
    while (!todo.empty()) {
      std::string id = todo.back();
      todo.pop_back();
      if (id == avoided) continue;
      if (id == kEndStep) {
        if (!has_submit) return true;
        continue;
      }
      const Step* s = def.find(id);
      if (!s || !seen.insert(id).second) continue;
      if (s->kind == StepKind::submit) return true;
      for (const auto& n : successors(def, *s)) todo.push_back(n);
    }
    return false;
  };
  std::set<std::string> out;
  for (const auto& s : def.steps)
    if (!finishes_without(s.id)) out.insert(s.id);
  return out;
}

std::string digits_with_commas(int64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && digits[i] != '-' && (digits.size() - i) % 3 == 0 && digits[i - 1] != '-')
      out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

std::string yen(int64_t amount) { return digits_with_commas(amount) + "円"; }

Json FeeOutline::to_json() const {
  if (!any) return nullptr;
  return Json{{"from", from}, {"varies", varies}};
}

FeeOutline fee_outline(const ServiceDefinition& def) {
  FeeOutline o;
  int64_t base = std::max<int64_t>(0, def.fee.value_or(0));
  o.any = base > 0;
  for (const auto& s : def.steps) {
    for (const auto& c : s.choices)
      if (c.fee && *c.fee > 0) o.any = o.varies = true;
    if (s.kind == StepKind::text && s.unit_fee && *s.unit_fee > 0) o.any = o.varies = true;
  }
  o.from = base;
  if (o.varies)
    for (const auto& id : unavoidable_steps(def))
      o.from = add(o.from, cheapest_answer(*def.find(id)));
  return o;
}

bool mentions_fee(const std::string& label, int64_t fee) {
  std::string plain = std::to_string(fee), commas = digits_with_commas(fee);
  for (const std::string& amount : {plain, commas})
    for (const char* unit : {"円", " 円"})
      for (size_t pos = label.find(amount + unit); pos != std::string::npos;
           pos = label.find(amount + unit, pos + 1)) {
        // "140円" inside "1,140円" is another amount.
        char before = pos > 0 ? label[pos - 1] : ' ';
        if (!std::isdigit(static_cast<unsigned char>(before)) && before != ',') return true;
      }
  return false;
}

}  // namespace mg::conversation
