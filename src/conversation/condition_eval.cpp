#include "conversation/condition_eval.h"

#include <algorithm>

namespace mg::conversation {
namespace {

bool contains(const Json& list, const Json& v) {
  return list.is_array() && std::find(list.begin(), list.end(), v) != list.end();
}

// Numbers compare as numbers; dates (ISO answers) against ISO or relative specs like "-18y".
std::optional<int> order(const Json& answer, const Json& value, const Date& today) {
  if (answer.is_number() && value.is_number()) {
    double a = answer.get<double>(), b = value.get<double>();
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (answer.is_string() && value.is_string()) {
    auto a = parse_iso_date(answer.get<std::string>());
    auto b = resolve_date(value.get<std::string>(), today);
    if (a && b) return *a < *b ? -1 : *a > *b ? 1 : 0;
  }
  return std::nullopt;
}

bool compare(const Condition& c, const Answers& answers, const Date& today) {
  auto it = answers.find(c.answer);
  bool has = it != answers.end() && !it->second.value.is_null();
  if (c.op == "answered") return has == (c.value.is_null() || c.value == true);
  if (c.op == "ne") return !has || it->second.value != c.value;
  if (c.op == "not_in") return !has || !contains(c.value, it->second.value);
  if (!has) return false;
  const Json& a = it->second.value;
  if (c.op == "eq") return a == c.value;
  if (c.op == "in") {
    if (a.is_array())
      return std::any_of(a.begin(), a.end(), [&](const Json& v) { return contains(c.value, v); });
    return contains(c.value, a);
  }
  if (c.op == "contains") return contains(a, c.value);
  if (is_ordering_operator(c.op)) {
    auto o = order(a, c.value, today);
    if (!o) return false;
    if (c.op == "lt") return *o < 0;
    if (c.op == "gt") return *o > 0;
    if (c.op == "lte") return *o <= 0;
    return *o >= 0;
  }
  if (is_age_operator(c.op)) {
    auto birth = a.is_string() ? parse_iso_date(a.get<std::string>()) : std::nullopt;
    if (!birth || !c.value.is_number()) return false;
    int age = age_on(*birth, today);
    int limit = c.value.get<int>();
    if (c.op == "age_lt") return age < limit;
    if (c.op == "age_lte") return age <= limit;
    if (c.op == "age_gt") return age > limit;
    return age >= limit;
  }
  return false;
}

}  // namespace

bool evaluate(const Condition& c, const Answers& answers, const Date& today) {
  switch (c.kind) {
    case Condition::Kind::all:
      return std::all_of(c.children.begin(), c.children.end(),
                         [&](const Condition& ch) { return evaluate(ch, answers, today); });
    case Condition::Kind::any:
      return std::any_of(c.children.begin(), c.children.end(),
                         [&](const Condition& ch) { return evaluate(ch, answers, today); });
    case Condition::Kind::negate:
      return !evaluate(c.children.at(0), answers, today);
    case Condition::Kind::compare:
      return compare(c, answers, today);
  }
  return false;
}

}  // namespace mg::conversation
