#include "conversation/validation.h"

#include <gtest/gtest.h>

#include "support.h"

using namespace mg::conversation;
using mg::Json;
using mg::conversation::testing::service;

namespace {

// "code@step" for every issue, to assert on precisely.
std::vector<std::string> codes(const Json& definition) {
  std::vector<std::string> out;
  for (const auto& i : load_definition(definition).issues) out.push_back(i.code + "@" + i.step_id);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

Json q(const std::string& id, Json extra = Json::object()) {
  Json s{{"id", id}, {"kind", "text"}, {"text", "質問"}};
  s.update(extra);
  return s;
}

}  // namespace

TEST(Definition, ParsesAllFields) {
  Json j =
      service({{{"id", "c"},
                {"kind", "choice"},
                {"text", "選んで"},
                {"multiple", true},
                {"max_selections", 2},
                {"choices", {{{"value", "a"}, {"label", "A"}, {"fee", 100}}, {{"value", "b"}}}}},
               {{"id", "d"}, {"kind", "date"}, {"text", "日付"}, {"min", "today"}, {"max", "+30d"}},
               {{"id", "s"}, {"kind", "submit"}}});
  j["fee"] = 200;
  j["available"] = {{"from", "2025-01-01"}, {"to", "2025-12-31"}};
  auto r = load_definition(j);
  ASSERT_TRUE(r.definition) << r.issues_json();
  const auto& def = *r.definition;
  EXPECT_EQ(def.start, "c");
  EXPECT_EQ(*def.fee, 200);
  EXPECT_EQ(def.available_to, "2025-12-31");
  EXPECT_TRUE(def.steps[0].multiple);
  EXPECT_EQ(def.steps[0].choices[1].label, "b");  // label defaults to value
  EXPECT_EQ(*def.steps[0].choices[0].fee, 100);
  EXPECT_EQ(def.steps[1].min_date, "today");
  EXPECT_EQ(def.steps[1].max_date, "+30d");
}

TEST(Definition, IncompatibleFormatIsNamed) {
  Json j = service(Json::array({q("a")}));
  j["format"] = "madoguchi.service/2";
  auto r = parse_definition(j);
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].code, "incompatible_format");
  EXPECT_NE(r.issues[0].message.find("版「2」にはこのサーバーは対応していません"),
            std::string::npos);
  EXPECT_NE(r.issues[0].message.find("madoguchi.service/1"), std::string::npos);

  j["format"] = "govtech.scenario/1";
  r = parse_definition(j);
  EXPECT_NE(r.issues.at(0).message.find("madoguchi のサービス定義ではありません"),
            std::string::npos);
  j.erase("format");
  EXPECT_EQ(parse_definition(j).issues.at(0).code, "missing_field");
}

TEST(Definition, StructuralErrors) {
  auto c = codes(service({{{"kind", "text"}, {"text", "x"}},
                          {{"id", "b"}, {"kind", "nope"}},
                          {{"id", "c"}, {"kind", "text"}, {"min_length", "five"}}}));
  EXPECT_TRUE(has(c, "missing_field@steps[0]")) << ::testing::PrintToString(c);
  EXPECT_TRUE(has(c, "unknown_kind@b"));
  EXPECT_TRUE(has(c, "wrong_type@c"));
  EXPECT_TRUE(has(codes(Json::array()), "wrong_type@"));
  EXPECT_TRUE(has(codes(service(Json::array())), "missing_field@"));
}

TEST(Validation, DuplicateIdsAndUnknownTargets) {
  auto c = codes(service({q("a"), q("a"), q("b", {{"next", "zzz"}})}));
  EXPECT_TRUE(has(c, "duplicate_id@a"));
  EXPECT_TRUE(has(c, "unknown_target@b"));
}

TEST(Validation, UnreachableSteps) {
  auto c = codes(service({q("a", {{"next", "end"}}), q("orphan")}));
  EXPECT_TRUE(has(c, "unreachable@orphan"));
}

TEST(Validation, LoopWithNoExit) {
  auto c = codes(service({q("a"), q("b", {{"next", "a"}}), {{"id", "s"}, {"kind", "submit"}}}));
  EXPECT_TRUE(has(c, "no_exit@a"));
  EXPECT_TRUE(has(c, "no_exit@b"));
  // A loop with a way out is fine (lookup retry goes back, but can also go on).
  EXPECT_TRUE(
      codes(
          service({q("a"),
                   {{"id", "l"}, {"kind", "lookup"}, {"list", "x"}, {"match_fields", {{"f", "a"}}}},
                   {{"id", "s"}, {"kind", "submit"}}}))
          .empty());
}

TEST(Validation, ChoiceNeedsChoices) {
  auto c = codes(
      service({{{"id", "c"}, {"kind", "choice"}, {"text", "?"}, {"choices", Json::array()}}}));
  EXPECT_TRUE(has(c, "no_choices@c"));
  c = codes(service({{{"id", "c"},
                      {"kind", "choice"},
                      {"text", "?"},
                      {"choices", {{{"value", "a"}}, {{"value", "a"}}}}}}));
  EXPECT_TRUE(has(c, "duplicate_choice@c"));
  c = codes(service({{{"id", "c"}, {"kind", "choice"}, {"choices", {{{"value", "a"}}}}}}));
  EXPECT_TRUE(has(c, "missing_field@c"));  // no text
}

TEST(Validation, FieldTypeChecks) {
  auto c =
      codes(service({q("n", {{"min", 1}}),
                     {{"id", "d"}, {"kind", "date"}, {"text", "?"}, {"min", "yesterday"}},
                     {{"id", "p"}, {"kind", "photo"}, {"text", "?"}, {"types", {"image/gif"}}}}));
  EXPECT_TRUE(has(c, "type_mismatch@n"));  // min without format number
  EXPECT_TRUE(has(c, "bad_date@d"));
  EXPECT_TRUE(has(c, "unsupported_type@p"));
}

namespace {
Json branch_service(Json when, Json before = Json::array()) {
  Json steps = before;
  steps.push_back({{"id", "kind"},
                   {"kind", "choice"},
                   {"text", "?"},
                   {"choices", {{{"value", "a"}}, {{"value", "b"}}}}});
  steps.push_back({{"id", "birth"}, {"kind", "date"}, {"text", "?"}});
  steps.push_back({{"id", "count"}, {"kind", "text"}, {"format", "number"}, {"text", "?"}});
  steps.push_back({{"id", "br"},
                   {"kind", "branch"},
                   {"cases", {{{"when", when}, {"next", "s"}}}},
                   {"default", "s"}});
  steps.push_back({{"id", "s"}, {"kind", "submit"}});
  return service(steps);
}
}  // namespace

TEST(Validation, ConditionsOnKnownAnswersWithFittingTypes) {
  EXPECT_TRUE(codes(branch_service({{"answer", "kind"}, {"op", "eq"}, {"value", "a"}})).empty());
  EXPECT_TRUE(
      codes(branch_service({{"all",
                             {{{"answer", "birth"}, {"op", "age_gte"}, {"value", 65}},
                              {{"not", {{"answer", "count"}, {"op", "gt"}, {"value", 3}}}}}}}))
          .empty());
  auto c = codes(branch_service({{"answer", "kind"}, {"op", "lt"}, {"value", "a"}}));
  EXPECT_TRUE(has(c, "type_mismatch@br")) << ::testing::PrintToString(c);
  c = codes(branch_service({{"answer", "kind"}, {"op", "eq"}, {"value", "zzz"}}));
  EXPECT_TRUE(has(c, "unknown_choice@br"));
  c = codes(branch_service({{"answer", "count"}, {"op", "age_lt"}, {"value", 18}}));
  EXPECT_TRUE(has(c, "type_mismatch@br"));
  c = codes(branch_service({{"answer", "kind"}, {"op", "like"}, {"value", "a"}}));
  EXPECT_TRUE(has(c, "unknown_operator@br"));
  c = codes(branch_service({{"answer", "ghost"}, {"op", "eq"}, {"value", 1}}));
  EXPECT_TRUE(has(c, "unknown_answer@br"));
}

TEST(Validation, ConditionOnLaterStep) {
  Json steps = {
      {{"id", "br"},
       {"kind", "branch"},
       {"cases",
        {{{"when", {{"answer", "later"}, {"op", "eq"}, {"value", "x"}}}, {"next", "later"}}}}},
      q("later"),
      {{"id", "s"}, {"kind", "submit"}}};
  auto c = codes(service(steps));
  EXPECT_TRUE(has(c, "later_answer@br")) << ::testing::PrintToString(c);
}

TEST(Validation, ConditionOnAnswerNotGivenOnEveryPath) {
  // "extra" is only asked when kind == a, so a branch after the merge cannot rely on it.
  Json steps = {
      {{"id", "kind"},
       {"kind", "choice"},
       {"text", "?"},
       {"choices", {{{"value", "a"}, {"next", "extra"}}, {{"value", "b"}, {"next", "br"}}}}},
      q("extra"),
      {{"id", "br"},
       {"kind", "branch"},
       {"cases", {{{"when", {{"answer", "extra"}, {"op", "eq"}, {"value", "x"}}}, {"next", "s"}}}},
       {"default", "s"}},
      {{"id", "s"}, {"kind", "submit"}}};
  auto c = codes(service(steps));
  EXPECT_TRUE(has(c, "answer_not_guaranteed@br")) << ::testing::PrintToString(c);
}

TEST(Validation, LookupNeedsListAndFields) {
  auto c = codes(
      service({q("a"), {{"id", "l"}, {"kind", "lookup"}}, {{"id", "s"}, {"kind", "submit"}}}));
  EXPECT_TRUE(has(c, "missing_field@l"));
}

TEST(Validation, IssuesSerialiseForTheApi) {
  auto r = load_definition(service({q("a"), q("a")}));
  Json j = r.issues_json();
  ASSERT_FALSE(j.empty());
  EXPECT_EQ(j[0]["code"], "duplicate_id");
  EXPECT_EQ(j[0]["step_id"], "a");
  EXPECT_TRUE(j[0].contains("message"));
}

// Staff read these messages in the service editor: plain Japanese naming the step (its label
// when it has one), no JSON field jargon (issue 9 item 14).
namespace {
std::string message_for(const Json& definition, const std::string& code) {
  for (const auto& i : load_definition(definition).issues)
    if (i.code == code) return i.message;
  return "(no " + code + ")";
}
bool ascii_words(const std::string& m) {  // "is not", "must be": English left in a message
  for (const char* w : {" is ", " must ", " needs ", " only ", " not "})
    if (m.find(w) != std::string::npos) return true;
  return false;
}
}  // namespace

TEST(ValidationMessages, JapaneseAndNameTheStep) {
  auto m = message_for(service(Json::array({q("kana", {{"label", "ふりがな"}, {"next", "zzz"}})})),
                       "unknown_target");
  EXPECT_EQ(
      m, "ステップ「ふりがな」（kana）: 次に進むステップ「zzz」がありません（終了するときは end）");
  m = message_for(service({q("a"), q("a")}), "duplicate_id");
  EXPECT_EQ(m, "ステップ「a」: ステップ名「a」が重複しています");
  m = message_for(service({q("a", {{"next", "end"}}), q("orphan", {{"label", "住所"}})}),
                  "unreachable");
  EXPECT_EQ(m, "ステップ「住所」（orphan）: 最初からたどっても、このステップには進めません");
  m = message_for(
      service({{{"id", "c"}, {"kind", "choice"}, {"text", "?"}, {"choices", Json::array()}}}),
      "no_choices");
  EXPECT_EQ(m, "ステップ「c」: 選択肢を1つ以上指定してください");
  Json bad_key = service(Json::array({q("a")}));
  bad_key["service_key"] = "Bad Key";
  EXPECT_EQ(message_for(bad_key, "bad_service_key"),
            "サービスキーは英小文字・数字・ハイフンで指定してください（例: juminhyo）");
}

TEST(ValidationMessages, NoEnglishLeftInAnyValidationMessage) {
  std::vector<Json> defs = {
      service({q("a"), q("a"), q("b", {{"next", "zzz"}})}),
      service({q("a"), q("b", {{"next", "a"}}), {{"id", "s"}, {"kind", "submit"}}}),
      service({q("a"), {{"id", "l"}, {"kind", "lookup"}}, {{"id", "s"}, {"kind", "submit"}}}),
      service({{{"id", "c"},
                {"kind", "choice"},
                {"text", "?"},
                {"choices", {{{"value", "__x"}}, {{"value", "__x"}, {"fee", -1}}}}}}),
      service(
          {q("n", {{"format", "number"}, {"min", 5}, {"max", 1}}),
           {{"id", "br"},
            {"kind", "branch"},
            {"cases",
             {{{"when", {{"answer", "n"}, {"op", "contains"}, {"value", 1}}}, {"next", "end"}}}}}}),
  };
  int checked = 0;
  for (const auto& d : defs)
    for (const auto& i : load_definition(d).issues) {
      ++checked;
      EXPECT_FALSE(ascii_words(i.message)) << i.code << ": " << i.message;
    }
  EXPECT_GE(checked, 8);
}

// The parser's messages (wrong types, unknown kinds, the format version) reach staff the same
// way: Japanese too.
TEST(ValidationMessages, ParserProblemsAreInPlainJapanese) {
  const std::string fmt = kServiceFormat;
  std::vector<Json> defs = {
      Json::array(),
      Json{{"title", "x"}},
      Json{{"format", "madoguchi.service/9"}},
      Json{{"format", "other"}},
      Json{{"format", fmt}, {"title", 5}, {"steps", "x"}, {"kind", "poll"}},
      Json{
          {"format", fmt},
          {"title", "t"},
          {"available", 3},
          {"privacy_notice", "x"},
          {"steps",
           {{{"id", "a"}, {"kind", "teleport"}},
            {{"id", "b"}, {"kind", "choice"}, {"text", "?"}, {"choices", "x"}},
            {{"id", "c"}, {"kind", "text"}, {"text", "?"}, {"format", "zip"}, {"optional", 1}},
            {{"id", "d"}, {"kind", "branch"}, {"cases", {{{"when", 1}}}}},
            {{"id", "e"}, {"kind", "lookup"}, {"list", "l"}, {"match_fields", {{"x", 1}}}},
            {{"id", "f"}, {"kind", "choice"}, {"text", "?"}, {"choices", {1, {{"label", "x"}}}}}}}},
  };
  int checked = 0;
  for (const auto& d : defs)
    for (const auto& i : parse_definition(d).issues) {
      ++checked;
      EXPECT_FALSE(ascii_words(i.message)) << i.code << ": " << i.message;
    }
  EXPECT_GE(checked, 12);
}
