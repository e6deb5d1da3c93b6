#include "delivery/variables.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "delivery/routes.h"

using namespace mg;
using residents::AttributeDefinition;
using residents::AttributeType;
using residents::AttributeValue;

namespace {

AttributeDefinition def(const std::string& key, const std::string& label, AttributeType t) {
  AttributeDefinition d;
  d.key = key;
  d.label = label;
  d.type = t;
  return d;
}

AttributeValue text(const std::string& key, const std::string& v) {
  AttributeValue a;
  a.key = key;
  a.text = v;
  return a;
}

}  // namespace

TEST(Variables, NamesAreBracedWithoutBreaksOrNesting) {
  EXPECT_EQ(delivery::variable_names("{地区}の{氏名}さん、{地区}"),
            (std::vector<std::string>{"地区", "氏名"}));
  EXPECT_TRUE(delivery::variable_names("{} {\n地区} 地区}").empty());
  EXPECT_EQ(delivery::variable_names("{{地区}}"), (std::vector<std::string>{"地区"}));
  EXPECT_TRUE(delivery::variable_names(std::string("{") + std::string(41, 'a') + "}").empty());
}

TEST(Variables, SubstitutesKnownNamesOnly) {
  std::map<std::string, std::string> v{{"地区", "北地区"}, {"空", ""}};
  EXPECT_EQ(delivery::substitute("{地区}の皆さま{空}。{未定義}", v), "北地区の皆さま。{未定義}");
  EXPECT_EQ(delivery::substitute("{{地区}}", v), "{北地区}");
  EXPECT_EQ(delivery::substitute("no braces", v), "no braces");
}

TEST(Variables, DisplayValuesReadAsWords) {
  auto district = def("district", "地区", AttributeType::choice);
  district.options = {{"kita", "北地区"}, {"minami", "南地区"}};
  EXPECT_EQ(delivery::display_value(district, {text("district", "kita")}), "北地区");
  auto topics = def("topics", "関心", AttributeType::text);
  EXPECT_EQ(delivery::display_value(
                topics, {text("topics", "防災"), text("other", "x"), text("topics", "子育て")}),
            "防災、子育て");
  AttributeValue born;
  born.key = "birth";
  born.date = "2020-04-01";
  EXPECT_EQ(delivery::display_value(def("birth", "生年月日", AttributeType::date), {born}),
            "2020年4月1日");
  AttributeValue n;
  n.key = "n";
  n.number = 3;
  EXPECT_EQ(delivery::display_value(def("n", "人数", AttributeType::number), {n}), "3");
  EXPECT_EQ(delivery::display_value(def("ok", "同意", AttributeType::yes_no), {text("ok", "yes")}),
            "はい");
  EXPECT_EQ(delivery::display_value(district, {}), "");
}

TEST(Variables, OnlyTextMessagesArePersonalisedAndCutToLineLimit) {
  Json messages = Json::array({Json{{"type", "text"}, {"text", "{地区}へ"}},
                               Json{{"type", "template"},
                                    {"altText", "{地区}"},
                                    {"template", {{"type", "buttons"}, {"text", "{地区}"}}}}});
  Json out = delivery::substitute_messages(messages, {{"地区", "北"}});
  EXPECT_EQ(out[0]["text"], "北へ");
  EXPECT_EQ(out[1]["template"]["text"], "{地区}");
  Json long_text = Json::array({Json{{"type", "text"}, {"text", std::string(4990, 'a') + "{x}"}}});
  EXPECT_EQ(delivery::substitute_messages(long_text, {{"x", std::string(100, 'b')}})[0]["text"]
                .get<std::string>()
                .size(),
            5000u);
}

TEST(Variables, UnknownOrTagVariablesAreRefused) {
  std::vector<AttributeDefinition> defs{def("district", "地区", AttributeType::choice),
                                        def("care", "要配慮", AttributeType::tag)};
  Json ok = Json::array({Json{{"type", "text"}, {"text", "{地区}の皆さま"}}});
  EXPECT_NO_THROW(delivery::check_variables(ok, defs));
  EXPECT_EQ(delivery::used_variables(ok, defs).size(), 1u);
  for (const char* bad : {"{氏名}さん", "{要配慮}"}) {
    Json m =
        Json::array({Json{{"type", "text"}, {"text", "x"}}, Json{{"type", "text"}, {"text", bad}}});
    try {
      delivery::check_variables(m, defs);
      ADD_FAILURE() << bad;
    } catch (const ApiError& e) {
      EXPECT_EQ(e.status(), 400);
      EXPECT_EQ(e.field(), "messages[1].text");
    }
  }
}

TEST(Variables, CampaignMessagesMayBeImagesAndCards) {
  Json body{
      {"title", "t"},
      {"audience", {{"kind", "all"}}},
      {"messages",
       Json::array({Json{{"type", "image"}, {"originalContentUrl", "https://e.example/a.png"}},
                    Json{{"type", "template"},
                         {"template",
                          {{"type", "buttons"},
                           {"title", "健診"},
                           {"text", "予約はこちら"},
                           {"actions", Json::array({Json{{"type", "uri"},
                                                         {"label", "予約する"},
                                                         {"uri", "https://e.example/r"}}})}}}}})}};
  Json v = delivery::validated_campaign(body);
  EXPECT_EQ(v["messages"][0]["previewImageUrl"], "https://e.example/a.png");
  EXPECT_EQ(v["messages"][1]["altText"], "予約はこちら");
  body["messages"][0]["originalContentUrl"] = "http://e.example/a.png";
  EXPECT_THROW(delivery::validated_campaign(body), ApiError);
  body["messages"][0]["originalContentUrl"] = "https://e.example/a.png";
  body["messages"][1]["template"]["text"] = std::string(61, 'x');  // 60 with a title
  EXPECT_THROW(delivery::validated_campaign(body), ApiError);
}
