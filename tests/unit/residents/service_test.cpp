// Validation of attribute definitions and of values against their definition (pure rules).
#include "residents/service.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace mg::residents {
namespace {

// The field of the ApiError fn throws, or "(none)" when it does not throw.
template <typename F>
std::string field_of(F fn) {
  try {
    fn();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400) << e.what();
    return e.field();
  }
  return "(none)";
}

Json district() {
  return {{"key", "district"},
          {"label", "地区"},
          {"type", "choice"},
          {"options",
           {{{"value", "kita"}, {"label", "北地区"}},
            {{"value", "minami"}, {"label", "南地区"}},
            {{"value", "higashi"}, {"label", "東地区"}}}}};
}

Json with(Json j, const std::string& k, Json v) {
  j[k] = std::move(v);
  return j;
}

TEST(AttributeDefinition, AcceptsAChoiceListAndReadsItBack) {
  auto d = definition_from_json(district());
  EXPECT_EQ(d.key, "district");
  EXPECT_EQ(d.type, AttributeType::choice);
  ASSERT_EQ(d.options.size(), 3u);
  EXPECT_EQ(d.options[1].label, "南地区");
  EXPECT_FALSE(d.multiple);
  Json back = to_json(d);
  EXPECT_EQ(back["type"], "choice");
  EXPECT_EQ(back["options"][2]["value"], "higashi");
  // Every type by its name.
  for (const char* t : {"text", "number", "date", "yes_no", "tag"})
    EXPECT_EQ(field_of([&] {
                definition_from_json({{"key", "k"}, {"label", "ラベル"}, {"type", t}});
              }),
              "(none)")
        << t;
}

TEST(AttributeDefinition, RefusesBadKeysLabelsAndTypes) {
  for (const char* k :
       {"", "District", "地区", "a-b", "a b", "a123456789012345678901234567890123456789x"})
    EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "key", k)); }), "key") << k;
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "key", 12)); }), "key");
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "key", "line_rich_menu")); }),
            "key");
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "key", std::string(40, 'a'))); }),
            "(none)");
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "label", "")); }), "label");
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "label", "  ")); }), "label");
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "label", "地区\n")); }), "label");
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "label", "\xff")); }), "label");
  std::string forty, forty_one;
  for (int i = 0; i < 40; ++i) forty += "町";
  forty_one = forty + "町";
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "label", forty)); }), "(none)");
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "label", forty_one)); }), "label");
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "type", "colour")); }), "type");
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "type", 1)); }), "type");
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "multiple", "yes")); }),
            "multiple");
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "position", -1)); }), "position");
  EXPECT_EQ(field_of([&] { definition_from_json(Json::array()); }), "");
}

TEST(AttributeDefinition, MultipleOnlyForChoiceDateAndTag) {
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "multiple", true)); }), "(none)");
  for (const char* t : {"date", "tag"})
    EXPECT_EQ(
        field_of([&] {
          definition_from_json({{"key", "k"}, {"label", "L"}, {"type", t}, {"multiple", true}});
        }),
        "(none)");
  for (const char* t : {"text", "number", "yes_no"})
    EXPECT_EQ(
        field_of([&] {
          definition_from_json({{"key", "k"}, {"label", "L"}, {"type", t}, {"multiple", true}});
        }),
        "multiple")
        << t;
}

TEST(AttributeDefinition, ChoiceOptionsNonEmptyUniqueAndBounded) {
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "options", Json::array())); }),
            "options");
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "options", "kita")); }),
            "options");
  Json dup = district();
  dup["options"][2]["value"] = "kita";
  EXPECT_EQ(field_of([&] { definition_from_json(dup); }), "options[2].value");
  Json dup_label = district();
  dup_label["options"][1]["label"] = "北地区";
  EXPECT_EQ(field_of([&] { definition_from_json(dup_label); }), "options[1].label");
  Json no_label = district();
  no_label["options"][0].erase("label");
  EXPECT_EQ(field_of([&] { definition_from_json(no_label); }), "options[0].label");
  Json empty_value = district();
  empty_value["options"][0]["value"] = "";
  EXPECT_EQ(field_of([&] { definition_from_json(empty_value); }), "options[0].value");
  Json many = Json::array(), too_many;
  for (int i = 0; i < 200; ++i)
    many.push_back({{"value", "v" + std::to_string(i)}, {"label", "L" + std::to_string(i)}});
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "options", many)); }), "(none)");
  too_many = many;
  too_many.push_back({{"value", "v200"}, {"label", "L200"}});
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "options", too_many)); }),
            "options");
  // Options belong to choice definitions only.
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "type", "text")); }), "options");
}

AttributeDefinition def(const char* type, bool multiple = false) {
  Json j = {{"key", "k"}, {"label", "属性"}, {"type", type}, {"multiple", multiple}};
  if (std::string(type) == "choice") j["options"] = district()["options"];
  return definition_from_json(j);
}

TEST(AttributeValues, FitTheirDefinition) {
  auto v = values_from_json(def("choice"), "minami");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].text, "minami");
  EXPECT_EQ(field_of([&] { values_from_json(def("choice"), "nishi"); }), "values.k");
  EXPECT_EQ(field_of([&] { values_from_json(def("choice"), 1); }), "values.k");

  auto n = values_from_json(def("number"), 3.5);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].number, 3.5);
  EXPECT_EQ(field_of([&] { values_from_json(def("number"), "3"); }), "values.k");
  EXPECT_EQ(field_of([&] { values_from_json(def("number"), true); }), "values.k");
  EXPECT_EQ(field_of([&] { values_from_json(def("number"), 1e300); }), "values.k");

  EXPECT_EQ(values_from_json(def("date"), "2024-02-29")[0].date, "2024-02-29");
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-04-31", "2024-1-01", "24-01-01",
                          "2024/01/01", "0000-01-01", "2024-01-00"})
    EXPECT_EQ(field_of([&] { values_from_json(def("date"), bad); }), "values.k") << bad;

  EXPECT_EQ(values_from_json(def("yes_no"), "no")[0].text, "no");
  EXPECT_EQ(field_of([&] { values_from_json(def("yes_no"), "はい"); }), "values.k");
  EXPECT_EQ(field_of([&] { values_from_json(def("yes_no"), true); }), "values.k");

  EXPECT_EQ(values_from_json(def("text"), "山田")[0].text, "山田");
  EXPECT_EQ(field_of([&] { values_from_json(def("text"), ""); }), "values.k");
  EXPECT_EQ(field_of([&] { values_from_json(def("text"), std::string(501, 'a')); }), "values.k");
  EXPECT_EQ(field_of([&] { values_from_json(def("tag"), std::string(51, 'a')); }), "values.k");

  EXPECT_TRUE(values_from_json(def("choice"), nullptr).empty());
}

TEST(AttributeValues, SeveralOnlyForMultipleDefinitions) {
  EXPECT_EQ(field_of([&] { values_from_json(def("choice"), Json::array({"kita"})); }), "values.k");
  auto v = values_from_json(def("choice", true), Json::array({"kita", "higashi"}));
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1].text, "higashi");
  EXPECT_TRUE(values_from_json(def("choice", true), Json::array()).empty());
  EXPECT_EQ(field_of([&] {
              values_from_json(def("choice", true), Json::array({"kita", "kita"}));
            }),
            "values.k");
  EXPECT_EQ(field_of([&] {
              values_from_json(def("date", true), Json::array({"2020-01-01", 5}));
            }),
            "values.k");
  Json many = Json::array();
  for (int i = 0; i < 101; ++i) many.push_back("t" + std::to_string(i));
  EXPECT_EQ(field_of([&] { values_from_json(def("tag", true), many); }), "values.k");
}

TEST(AttributeValues, ShownByType) {
  auto topics = def("choice", true);
  auto age = definition_from_json({{"key", "age"}, {"label", "年齢"}, {"type", "number"}});
  std::vector<AttributeValue> vals = {
      {"age", std::nullopt, 42.0, std::nullopt},
      {"k", "kita", std::nullopt, std::nullopt},
      {"segment", "resident", std::nullopt, std::nullopt},  // no definition: a channel's key
  };
  Json j = values_json({topics, age}, vals);
  EXPECT_EQ(j["age"], 42);
  EXPECT_EQ(j["k"], Json::array({"kita"}));
  EXPECT_EQ(j["segment"], "resident");
}

// 受信設定 (issue 13): what residents read instead of the staff label, and a line of help.
TEST(AttributeDefinition, KeepsAResidentLabelAndHelp) {
  auto body =
      with(with(with(district(), "resident_editable", true), "resident_label", "お住まいの地区"),
           "resident_help", "その地区のお知らせが届きます");
  auto d = definition_from_json(body);
  EXPECT_TRUE(d.resident_editable);
  EXPECT_EQ(d.resident_label, "お住まいの地区");
  EXPECT_EQ(d.resident_help, "その地区のお知らせが届きます");
  auto back = definition_from_json(to_json(d));
  EXPECT_EQ(back.resident_label, d.resident_label);
  EXPECT_EQ(back.resident_help, d.resident_help);
  // Absent or null: empty (residents then read the staff label).
  EXPECT_EQ(definition_from_json(with(district(), "resident_label", nullptr)).resident_label, "");
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "resident_label", 5)); }),
            "resident_label");
  EXPECT_EQ(field_of([&] {
              definition_from_json(with(district(), "resident_label", std::string(41 * 3, 'a')));
            }),
            "resident_label");
  EXPECT_EQ(
      field_of([&] { definition_from_json(with(district(), "resident_help", "一行目\n二行目")); }),
      "resident_help");
  std::string long_help;
  for (int i = 0; i < 201; ++i) long_help += "あ";
  EXPECT_EQ(field_of([&] { definition_from_json(with(district(), "resident_help", long_help)); }),
            "resident_help");
}

}  // namespace
}  // namespace mg::residents
