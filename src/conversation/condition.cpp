#include "conversation/condition.h"

#include <set>
#include <stdexcept>

namespace mg::conversation {

namespace {
const std::set<std::string> kOperators{"eq",     "ne",      "lt",     "gt",       "lte",
                                       "gte",    "in",      "not_in", "contains", "answered",
                                       "age_lt", "age_lte", "age_gt", "age_gte"};

// Real conditions nest a few levels; the cap keeps an uploaded definition from exhausting the
// stack here and in every later recursive walk of the tree: a 1 MB upload nests ~100k levels.
constexpr int kMaxConditionDepth = 32;

Condition parse_at(const Json& j, int depth) {
  if (!j.is_object()) throw std::invalid_argument("condition must be an object");
  if (depth > kMaxConditionDepth)
    throw std::invalid_argument("conditions nest more than " + std::to_string(kMaxConditionDepth) +
                                " levels deep");
  Condition c;
  if (j.contains("all") || j.contains("any")) {
    const Json& list = j.contains("all") ? j["all"] : j["any"];
    c.kind = j.contains("all") ? Condition::Kind::all : Condition::Kind::any;
    if (!list.is_array() || list.empty())
      throw std::invalid_argument("\"all\"/\"any\" must be a non-empty array of conditions");
    for (const Json& child : list) c.children.push_back(parse_at(child, depth + 1));
    return c;
  }
  if (j.contains("not")) {
    c.kind = Condition::Kind::negate;
    c.children.push_back(parse_at(j["not"], depth + 1));
    return c;
  }
  if (!j.contains("answer") || !j["answer"].is_string())
    throw std::invalid_argument("condition needs \"answer\" (a step id), or all/any/not");
  c.answer = j["answer"].get<std::string>();
  c.op = j.value("op", "eq");
  if (!j.contains("op") || !j["op"].is_string())
    throw std::invalid_argument("condition needs \"op\"");
  c.value = j.contains("value") ? j["value"] : Json();
  return c;
}
}  // namespace

bool is_known_operator(const std::string& op) { return kOperators.count(op) > 0; }
bool is_age_operator(const std::string& op) { return op.rfind("age_", 0) == 0; }
bool is_ordering_operator(const std::string& op) {
  return op == "lt" || op == "gt" || op == "lte" || op == "gte";
}

Condition parse_condition(const Json& j) { return parse_at(j, 1); }

Json condition_to_json(const Condition& c) {
  switch (c.kind) {
    case Condition::Kind::all:
    case Condition::Kind::any: {
      Json list = Json::array();
      for (const auto& child : c.children) list.push_back(condition_to_json(child));
      return Json{{c.kind == Condition::Kind::all ? "all" : "any", list}};
    }
    case Condition::Kind::negate:
      return Json{{"not", condition_to_json(c.children.at(0))}};
    case Condition::Kind::compare:
      break;
  }
  Json j{{"answer", c.answer}, {"op", c.op}};
  if (!c.value.is_null()) j["value"] = c.value;
  return j;
}

void collect_answer_refs(const Condition& c, std::vector<std::string>& out) {
  if (c.kind == Condition::Kind::compare) {
    out.push_back(c.answer);
    return;
  }
  for (const auto& child : c.children) collect_answer_refs(child, out);
}

}  // namespace mg::conversation
