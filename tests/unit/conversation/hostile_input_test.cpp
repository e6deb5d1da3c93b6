// Inputs found while fuzzing (tests/fuzz) or built to the same pattern: each crashed, hung or
// misbehaved before its fix. Reproducers also live in tests/fuzz/corpus/.
#include <gtest/gtest.h>

#include <string>

#include "conversation/condition.h"
#include "conversation/validation.h"
#include "support.h"

using namespace mg::conversation;
using mg::Json;
using mg::conversation::testing::service;

namespace {

// {"not":{"not":...{"answer":"a","op":"eq","value":"x"}...}} nested `depth` times.
Json nested_not(int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += "{\"not\":";
  text += R"({"answer":"a","op":"eq","value":"x"})";
  text += std::string(depth, '}');
  return Json::parse(text);
}

Json branch_on(Json when) {
  return service({{{"id", "a"}, {"kind", "text"}, {"text", "質問"}},
                  {{"id", "b"},
                   {"kind", "branch"},
                   {"cases", {{{"when", std::move(when)}, {"next", "end"}}}},
                   {"default", "end"}}});
}

}  // namespace

// Used to recurse once per level and overflow the stack (the whole server) on a ~1 MB upload.
TEST(HostileInput, DeeplyNestedConditionIsAnIssueNotACrash) {
  LoadResult r = load_definition(branch_on(nested_not(200000)));
  EXPECT_FALSE(r.definition);
  ASSERT_FALSE(r.issues.empty());
  EXPECT_EQ(r.issues.front().code, "bad_condition");
  EXPECT_NE(r.issues.front().message.find("nest"), std::string::npos);
}

TEST(HostileInput, ReasonablyNestedConditionsStillLoad) {
  EXPECT_TRUE(load_definition(branch_on(nested_not(30))).definition);
  Json any = {{"any", {nested_not(5), {{"all", {nested_not(3)}}}}}};
  EXPECT_NO_THROW(parse_condition(any));
  EXPECT_THROW(parse_condition(nested_not(40)), std::invalid_argument);
}
