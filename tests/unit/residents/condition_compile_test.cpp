#include <gtest/gtest.h>

#include "../store/test_db.h"
#include "core/errors.h"
#include "residents/condition.h"

using namespace mg;
using namespace mg::residents;

namespace {

std::vector<AttributeDefinition> defs() {
  std::vector<AttributeDefinition> d(5);
  d[0].key = "district";
  d[0].label = "地区";
  d[0].type = AttributeType::choice;
  d[0].options = {{"kita", "北地区"}, {"minami", "南地区"}};
  d[1].key = "score";
  d[1].label = "点数";
  d[1].type = AttributeType::number;
  d[2].key = "birth_date";
  d[2].label = "生年月日";
  d[2].type = AttributeType::date;
  d[3].key = "child_birth_date";
  d[3].label = "子の生年月日";
  d[3].type = AttributeType::date;
  d[3].multiple = true;
  d[4].key = "villager";
  d[4].label = "村民";
  d[4].type = AttributeType::yes_no;
  return d;
}

CompiledCondition compile(const char* json, CompileOptions o = {}) {
  if (o.today.empty()) o.today = "2026-11-30";
  return compile_condition(Json::parse(json), defs(), 7, o);
}

// The field of the ApiError `json` raises ("" when it compiles).
std::string error_field(const std::string& json, CompileOptions o = {}) {
  try {
    compile(json.c_str(), o);
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.code(), "invalid_condition");
    EXPECT_FALSE(std::string(e.what()).empty());
    return e.field();
  }
  return "";
}

}  // namespace

TEST(ConditionCompile, EveryoneButBlockedByDefault) {
  EXPECT_EQ(compile("{}").sql, "r.status <> 'blocked' AND (1 = 1)");
  EXPECT_EQ(compile("null").sql, "r.status <> 'blocked' AND (1 = 1)");
  CompileOptions all;
  all.include_blocked = true;
  EXPECT_EQ(compile("{}", all).sql, "1 = 1");
  EXPECT_EQ(compile(R"({"any":[]})", all).sql, "1 = 0");
}

TEST(ConditionCompile, InBindsTenantKeyAndValuesInOrder) {
  CompileOptions o;
  o.include_blocked = true;
  auto c = compile(R"({"attr":"district","in":["kita","南地区"]})", o);
  EXPECT_EQ(c.sql,
            "EXISTS (SELECT 1 FROM resident_attributes a WHERE a.tenant_id + 0 = ? AND "
            "a.resident_id = r.id AND a.attr_key = ? AND a.text_value IN (?, ?))");
  ASSERT_EQ(c.params.size(), 4u);
  EXPECT_EQ(std::get<int64_t>(c.params[0]), 7);
  EXPECT_EQ(std::get<std::string>(c.params[1]), "district");
  EXPECT_EQ(std::get<std::string>(c.params[2]), "kita");
  EXPECT_EQ(std::get<std::string>(c.params[3]), "minami");  // a label names its value
}

TEST(ConditionCompile, BooleanStructure) {
  CompileOptions o;
  o.include_blocked = true;
  auto c = compile(
      R"({"all":[{"channel":"line"},{"not":{"attr":"villager","exists":true}},
                 {"any":[{"attr":"score","between":[1,5]},{"attr":"villager","has":"はい"}]}]})",
      o);
  EXPECT_EQ(c.sql.find("(r.channel = ? AND NOT (EXISTS"), 0u) << c.sql;
  EXPECT_NE(c.sql.find(" OR "), std::string::npos);
  // line, (tenant, villager), (tenant, score, 1, 5), (tenant, villager, yes)
  ASSERT_EQ(c.params.size(), 10u);
  EXPECT_EQ(std::get<std::string>(c.params[0]), "line");
  EXPECT_EQ(std::get<double>(c.params[5]), 1.0);
  EXPECT_EQ(std::get<std::string>(c.params[9]), "yes");
}

TEST(ConditionCompile, AgeBoundariesAreDatesComputedHere) {
  CompileOptions o;
  o.include_blocked = true;
  auto c = compile(R"({"attr":"birth_date","age_between":[65,120],"on":"2027-04-01"})", o);
  EXPECT_NE(c.sql.find("a.date_value <= ? AND a.date_value > ?"), std::string::npos);
  EXPECT_EQ(std::get<std::string>(c.params[2]), "1962-04-01");  // 65 on 2027-04-01
  EXPECT_EQ(std::get<std::string>(c.params[3]), "1906-04-01");  // not yet 121
  // Without "on": today (given here; JST in production).
  auto t = compile(R"({"attr":"child_birth_date","age_between":[0,5]})", o);
  EXPECT_EQ(std::get<std::string>(t.params[2]), "2026-11-30");
  EXPECT_EQ(std::get<std::string>(t.params[3]), "2020-11-30");
}

TEST(ConditionCompile, LeapDayRule) {
  // Someone born 2024-02-29 is 1 on 2025-03-01, still 0 on 2025-02-28.
  EXPECT_EQ(years_before("2025-02-28", 1), "2024-02-28");
  EXPECT_LT(std::string("2024-02-28"), std::string("2024-02-29"));  // not yet 1
  EXPECT_EQ(years_before("2025-03-01", 1), "2024-03-01");           // 1 from 1 March
  // On a 29 February, someone born 28 February of a common year has had the birthday:
  // the boundary string 2027-02-29 is no real day but compares right.
  EXPECT_EQ(years_before("2028-02-29", 1), "2027-02-29");
  EXPECT_LE(std::string("2027-02-28"), years_before("2028-02-29", 1));
  EXPECT_GT(std::string("2027-03-01"), years_before("2028-02-29", 1));
}

TEST(ConditionValidate, FieldsPointAtTheProblem) {
  EXPECT_EQ(error_field(R"({"attr":"nope","has":"x"})"), "condition/attr");
  EXPECT_EQ(error_field(R"({"all":[{"channel":"web"},{"attr":"district","between":[1,2]}]})"),
            "condition/all/1/between");
  EXPECT_EQ(error_field(R"({"attr":"district","in":["kita","atlantis"]})"), "condition/in/1");
  EXPECT_EQ(error_field(R"({"attr":"score","has":"3"})"), "condition/has");
  EXPECT_EQ(error_field(R"({"attr":"score","between":[5,1]})"), "condition/between");
  EXPECT_EQ(error_field(R"({"attr":"birth_date","between":["2000-01-01","1999-01-01"]})"),
            "condition/between");
  EXPECT_EQ(error_field(R"({"attr":"birth_date","age_between":[1.5,3]})"), "condition/age_between");
  EXPECT_EQ(error_field(R"({"attr":"birth_date","age_between":[0,151]})"), "condition/age_between");
  EXPECT_EQ(error_field(R"({"attr":"birth_date","age_between":[0,5],"on":"2027/4/1"})"),
            "condition/on");
  EXPECT_EQ(error_field(R"({"attr":"score","age_between":[0,5]})"), "condition/age_between");
  EXPECT_EQ(error_field(R"({"attr":"score","exists":1})"), "condition/exists");
  EXPECT_EQ(error_field(R"({"attr":"score","in":[]})"), "condition/in");
  EXPECT_EQ(error_field(R"({"attr":"score"})"), "condition");
  EXPECT_EQ(error_field(R"({"attr":"score","exists":true,"has":1})"), "condition/exists");
  EXPECT_EQ(error_field(R"({"channel":"fax"})"), "condition/channel");
  EXPECT_EQ(error_field(R"({"not":[]})"), "condition/not");
  EXPECT_EQ(error_field(R"({"all":{}})"), "condition/all");
  EXPECT_EQ(error_field(R"({"frobnicate":1})"), "condition");
  EXPECT_EQ(error_field(R"("x")"), "condition");
}

TEST(ConditionValidate, Bounds) {
  std::string deep = R"({"channel":"line"})";
  for (int i = 0; i < 15; ++i) deep = R"({"not":)" + deep + "}";
  EXPECT_EQ(error_field(deep), "");  // 16 levels
  EXPECT_NE(error_field(R"({"not":)" + deep + "}"), "");
  std::string many = R"({"any":[)";
  for (int i = 0; i < 199; ++i) many += std::string(i ? "," : "") + R"({"channel":"web"})";
  EXPECT_EQ(error_field(many + "]}"), "");  // 200 nodes with the "any"
  EXPECT_NE(error_field(many + R"(,{"channel":"web"}]})"), "");
  std::string values = R"({"attr":"score","in":[)";
  for (int i = 0; i < 500; ++i) values += std::string(i ? "," : "") + std::to_string(i);
  EXPECT_EQ(error_field(values + "]}"), "");
  EXPECT_EQ(error_field(values + ",500]}"), "condition/in");
}

// Against a real database: counts and the id cursor a campaign fans out with.
class ConditionDb : public ::testing::TestWithParam<std::string> {};

TEST_P(ConditionDb, CountAndCursor) {
  auto db = testdb::fresh_db(GetParam());
  store::migrate(*db);
  int64_t tenant = 0, other = 0;
  db->write([&](store::Tx& tx) {
    tenant = tx.insert_id(
        "INSERT INTO tenants(code, name, created_at) VALUES ('t', 'T', 0) RETURNING id");
    other = tx.insert_id(
        "INSERT INTO tenants(code, name, created_at) VALUES ('o', 'O', 0) RETURNING id");
    for (int64_t t : {tenant, other})
      tx.exec(
          "INSERT INTO attribute_definitions(tenant_id, attr_key, label, value_type, options, "
          "created_at, updated_at) VALUES (?, 'district', '地区', 'choice', "
          "'[{\"value\":\"kita\",\"label\":\"北\"}]', 0, 0)",
          {t});
    for (int i = 0; i < 25; ++i)
      for (int64_t t : {tenant, other}) {
        int64_t id = tx.insert_id(
            "INSERT INTO residents(tenant_id, channel, external_id, status, created_at, "
            "updated_at) VALUES (?, 'line', ?, ?, 0, 0) RETURNING id",
            {t, "U" + std::to_string(i), i == 4 ? "blocked" : "active"});
        if (i % 2 == 0)
          tx.exec(
              "INSERT INTO resident_attributes(tenant_id, resident_id, attr_key, text_value, "
              "updated_at) VALUES (?, ?, 'district', 'kita', 0)",
              {t, id});
      }
  });
  Json kita = Json::parse(R"({"attr":"district","has":"kita"})");
  db->read([&](store::Tx& tx) {
    EXPECT_EQ(count_matching(tx, tenant, kita), 12);  // 13 even, one of them blocked
    CompileOptions all;
    all.include_blocked = true;
    EXPECT_EQ(count_matching(tx, tenant, kita, all), 13);
    EXPECT_EQ(
        count_matching(tx, tenant, Json::parse(R"({"not":{"attr":"district","exists":true}})")),
        12);
    auto compiled = compile_condition(kita, load_definitions(tx, tenant), tenant);
    std::vector<int64_t> seen;
    int64_t after = 0;
    for (;;) {
      auto batch = matching_ids(tx, tenant, compiled, after, 5);
      if (batch.empty()) break;
      EXPECT_LE(batch.size(), 5u);
      seen.insert(seen.end(), batch.begin(), batch.end());
      after = batch.back();
    }
    EXPECT_EQ(seen.size(), 12u);
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
    for (int64_t id : seen)
      EXPECT_EQ(tx.one("SELECT tenant_id FROM residents WHERE id = ?", {id})->i64(0), tenant);
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, ConditionDb, ::testing::ValuesIn(testdb::backends()));
