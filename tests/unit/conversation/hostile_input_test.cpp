// Inputs found while fuzzing (tests/fuzz) or built to the same pattern: each crashed, hung or
// misbehaved before its fix. Reproducers also live in tests/fuzz/corpus/.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "conversation/condition.h"
#include "conversation/validation.h"
#include "support.h"

using namespace mg::conversation;
using mg::Json;
using mg::conversation::testing::Dialog;
using mg::conversation::testing::find_effect;
using mg::conversation::testing::find_prompt;
using mg::conversation::testing::must_load;
using mg::conversation::testing::service;
using mg::conversation::testing::today;

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

namespace {
Json copies_step(Json extra) {
  Json s{{"id", "copies"}, {"kind", "text"}, {"format", "number"}, {"text", "通数"}};
  s.update(extra);
  return s;
}
std::vector<std::string> issue_codes(const Json& definition) {
  std::vector<std::string> out;
  for (const auto& i : load_definition(definition).issues) out.push_back(i.code + "@" + i.field);
  return out;
}
}  // namespace

// 1e300 converted to int was undefined behaviour (x86 made it INT_MIN and the definition loaded).
TEST(HostileInput, OutOfRangeNumbersInADefinitionAreIssues) {
  Json choice{{"id", "c"},
              {"kind", "choice"},
              {"text", "?"},
              {"choices", {{{"value", "a"}}}},
              {"max_selections", 1e300}};
  EXPECT_EQ(issue_codes(service(Json::array({choice}))),
            std::vector<std::string>{"out_of_range@max_selections"});
  choice["max_selections"] = 4294967296LL;  // 2^32 used to wrap to 0 (no limit)
  EXPECT_EQ(issue_codes(service(Json::array({choice}))),
            std::vector<std::string>{"out_of_range@max_selections"});
  choice["max_selections"] = 18446744073709551615ULL;
  EXPECT_EQ(issue_codes(service(Json::array({choice}))),
            std::vector<std::string>{"out_of_range@max_selections"});
  EXPECT_EQ(issue_codes(service(Json::array({copies_step({{"unit_fee", 1e19}})}))),
            std::vector<std::string>{"out_of_range@unit_fee"});
  choice["max_selections"] = 1;
  choice["daily_limit"] = -2147483648LL;  // in range: validation, not the reader, judges it
  EXPECT_TRUE(issue_codes(service(Json::array({choice}))).empty());
}

// unit_fee × a resident-typed count overflowed int64 (undefined; wrapped to a wrong total).
TEST(HostileInput, FeeTotalsSaturateInsteadOfOverflowing) {
  auto def =
      must_load(service({copies_step({{"unit_fee", 100000}}), {{"id", "s"}, {"kind", "submit"}}}));
  for (const char* typed : {"99999999999999", "1e300"}) {
    Dialog d(def, today());
    const Effect* e = find_effect(d.text(typed), Effect::Kind::submit);
    ASSERT_NE(e, nullptr) << typed;
    EXPECT_EQ(e->total_fee, std::numeric_limits<int64_t>::max()) << typed;
  }
  Dialog d(def, today());
  EXPECT_EQ(find_effect(d.text("3"), Effect::Kind::submit)->total_fee, 300000);
}

// A staff limit of 1e300 was cast to long long for the message (undefined; showed INT64_MIN).
TEST(HostileInput, HugeNumberLimitsAreShownNotCast) {
  auto def = must_load(service(Json::array({copies_step({{"min", 1e300}})})));
  Dialog d(def, today());
  const Prompt* err = find_prompt(d.text("5"), Prompt::Type::error);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->text.find("-9223372036854775808"), std::string::npos) << err->text;
  EXPECT_EQ(err->text.rfind("1000000", 0), 0u) << err->text;
}

// A step whose id is not a string (found by the line_preview fuzz target) threw a JSON type error
// while naming the step for its issues: HTTP 500 from the builder's validate and preview.
TEST(HostileInput, NonStringStepIdIsAnIssueNotAnException) {
  for (Json id : {Json::array({1, 2}), Json(7), Json(nullptr), Json::object()}) {
    Json step{{"id", id}, {"kind", "text"}, {"text", "質問"}};
    std::vector<std::string> codes;
    ASSERT_NO_THROW(codes = issue_codes(service(Json::array({step})))) << id.dump();
    EXPECT_FALSE(codes.empty()) << id.dump();
  }
}
