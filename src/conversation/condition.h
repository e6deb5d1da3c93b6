#pragma once
// Branch conditions: boolean trees over earlier answers, evaluated against today's date so
// staff can branch on age ("65歳以上") without computing it themselves.
#include <string>
#include <vector>

#include "core/json.h"

namespace mg::conversation {

struct Condition {
  enum class Kind { all, any, negate, compare };
  Kind kind = Kind::compare;
  std::vector<Condition> children;  // all/any: many, negate: one
  std::string answer;               // compare: step id whose answer is tested
  std::string op;                   // eq ne lt gt lte gte in not_in contains answered age_lt ...
  Json value;
};

// Operators understood by the engine; validation rejects anything else.
bool is_known_operator(const std::string& op);
bool is_age_operator(const std::string& op);
bool is_ordering_operator(const std::string& op);

// Throws std::invalid_argument with a path-free message on malformed JSON.
Condition parse_condition(const Json& j);
Json condition_to_json(const Condition& c);

// Every step id the condition reads.
void collect_answer_refs(const Condition& c, std::vector<std::string>& out);

}  // namespace mg::conversation
