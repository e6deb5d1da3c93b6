#include "linesim/message_validator.h"

#include <gtest/gtest.h>

namespace mg::linesim {
namespace {

Json problems_json(const Json& body) {
  Problems p;
  validate_messages(body, p);
  auto res = p.to_response();
  return Json::parse(res.body);
}

Json J(const char* text) { return Json::parse(text); }

Json one(const Json& message) { return Json{{"messages", Json::array({message})}}; }

TEST(MessageValidator, AcceptsPlainText) {
  Problems p;
  validate_messages(one({{"type", "text"}, {"text", "こんにちは"}}), p);
  EXPECT_TRUE(p.empty());
}

TEST(MessageValidator, TextLongerThan5000IsRejectedWithPath) {
  auto j = problems_json(one({{"type", "text"}, {"text", std::string(5001, 'a')}}));
  EXPECT_EQ(j["message"], "The request body has 1 error(s)");
  ASSERT_EQ(j["details"].size(), 1u);
  EXPECT_EQ(j["details"][0]["property"], "messages[0].text");
  EXPECT_EQ(j["details"][0]["message"], "Length must be between 1 and 5000");
}

TEST(MessageValidator, TextExactly5000JapaneseCharactersIsAccepted) {
  std::string s;
  for (int i = 0; i < 5000; ++i) s += "あ";
  Problems p;
  validate_messages(one({{"type", "text"}, {"text", s}}), p);
  EXPECT_TRUE(p.empty());
}

TEST(MessageValidator, MissingAndEmptyText) {
  auto j =
      problems_json(Json{{"messages", {{{"type", "text"}}, {{"type", "text"}, {"text", ""}}}}});
  EXPECT_EQ(j["message"], "The request body has 2 error(s)");
  EXPECT_EQ(j["details"][0]["property"], "messages[0].text");
  EXPECT_EQ(j["details"][0]["message"], "must be specified");
  EXPECT_EQ(j["details"][1]["property"], "messages[1].text");
  EXPECT_EQ(j["details"][1]["message"], "May not be empty");
}

TEST(MessageValidator, SixMessagesAreTooMany) {
  Json msgs = Json::array();
  for (int i = 0; i < 6; ++i) msgs.push_back({{"type", "text"}, {"text", "x"}});
  auto j = problems_json(Json{{"messages", msgs}});
  EXPECT_EQ(j["details"][0]["property"], "messages");
  EXPECT_EQ(j["details"][0]["message"], "Size must be between 1 and 5");
}

TEST(MessageValidator, NoMessagesAndEmptyList) {
  EXPECT_EQ(problems_json(Json::object())["details"][0]["message"], "must be specified");
  EXPECT_EQ(problems_json(Json{{"messages", Json::array()}})["details"][0]["message"],
            "Size must be between 1 and 5");
}

TEST(MessageValidator, QuickReplyItemLimitAndLabels) {
  Json items = Json::array();
  for (int i = 0; i < 14; ++i)
    items.push_back(J(R"({"type":"action","action":{"type":"message","label":"L","text":"t"}})"));
  Json msg = {{"type", "text"}, {"text", "x"}};
  msg["quickReply"]["items"] = items;
  auto j = problems_json(one(msg));
  EXPECT_EQ(j["details"][0]["property"], "messages[0].quickReply.items");
  EXPECT_EQ(j["details"][0]["message"], "Size must be between 1 and 13");

  Json bad = J(R"({"type":"text","text":"x","quickReply":{"items":[
      {"type":"action","action":{"type":"postback","label":"123456789012345678901","data":"d"}}]}})");
  j = problems_json(one(bad));
  EXPECT_EQ(j["details"][0]["property"], "messages[0].quickReply.items[0].action.label");
  EXPECT_EQ(j["details"][0]["message"], "Length must be between 1 and 20");
}

TEST(MessageValidator, QuickReplyAllowsCameraAndLocationButTemplatesDoNot) {
  Json qr = J(R"({"type":"text","text":"x","quickReply":{"items":[
      {"type":"action","action":{"type":"camera","label":"Camera"}},
      {"type":"action","action":{"type":"location","label":"Here"}}]}})");
  Problems p;
  validate_messages(one(qr), p);
  EXPECT_TRUE(p.empty());

  Json tpl = J(R"({"type":"template","altText":"alt","template":{"type":"buttons","text":"t",
      "actions":[{"type":"camera","label":"Camera"}]}})");
  auto j = problems_json(one(tpl));
  EXPECT_EQ(j["details"][0]["property"], "messages[0].template.actions[0].type");
}

TEST(MessageValidator, ConfirmTemplateNeedsExactlyTwoActions) {
  Json tpl = J(R"({"type":"template","altText":"alt","template":{"type":"confirm","text":"OK?",
      "actions":[{"type":"message","label":"Yes","text":"yes"}]}})");
  auto j = problems_json(one(tpl));
  EXPECT_EQ(j["details"][0]["property"], "messages[0].template.actions");
  EXPECT_EQ(j["details"][0]["message"], "Size must be between 2 and 2");
}

TEST(MessageValidator, ButtonsTemplateLimits) {
  Json tpl = J(R"({"type":"template","template":{"type":"buttons","title":"T","text":"t",
      "actions":[{"type":"uri","label":"Open","uri":"https://e.jp"},
                 {"type":"message","label":"a","text":"a"},{"type":"message","label":"b","text":"b"},
                 {"type":"message","label":"c","text":"c"},{"type":"message","label":"d","text":"d"}]}})");
  tpl["altText"] = std::string(1501, 'a');
  tpl["template"]["text"] = std::string(61, 'x');  // 60 max with a title
  auto j = problems_json(one(tpl));
  ASSERT_EQ(j["details"].size(), 3u) << j.dump();
  EXPECT_EQ(j["details"][0]["property"], "messages[0].altText");
  EXPECT_EQ(j["details"][1]["property"], "messages[0].template.text");
  EXPECT_EQ(j["details"][2]["property"], "messages[0].template.actions");
}

TEST(MessageValidator, FlexBubbleStructure) {
  Json ok = J(R"({"type":"flex","altText":"予約","contents":{"type":"bubble","body":{
      "type":"box","layout":"vertical","contents":[
        {"type":"text","text":"9:00"},
        {"type":"button","action":{"type":"postback","label":"予約","data":"slot=1"}}]}}})");
  Problems p;
  validate_messages(one(ok), p);
  EXPECT_TRUE(p.empty());

  Json bad = ok;
  bad["contents"]["body"]["layout"] = "diagonal";
  bad["contents"]["body"]["contents"][1].erase("action");
  auto j = problems_json(one(bad));
  EXPECT_EQ(j["message"], "The request body has 2 error(s)");
  EXPECT_EQ(j["details"][0]["property"], "messages[0].contents.body.layout");
  EXPECT_EQ(j["details"][1]["property"], "messages[0].contents.body.contents[1].action");
}

TEST(MessageValidator, FlexCarouselAtMostTwelveBubbles) {
  Json msg = J(R"({"type":"flex","altText":"a","contents":{"type":"carousel","contents":[]}})");
  for (int i = 0; i < 13; ++i) msg["contents"]["contents"].push_back(J(R"({"type":"bubble"})"));
  auto j = problems_json(one(msg));
  EXPECT_EQ(j["details"][0]["property"], "messages[0].contents.contents");
  EXPECT_EQ(j["details"][0]["message"], "Size must be between 1 and 12");
}

TEST(MessageValidator, ImageNeedsHttpsUrls) {
  auto j = problems_json(one(J(R"({"type":"image","originalContentUrl":"http://example.com/a.jpg",
      "previewImageUrl":"https://example.com/p.jpg"})")));
  EXPECT_EQ(j["details"][0]["property"], "messages[0].originalContentUrl");
}

TEST(MessageValidator, WrongJsonTypeNamesTheProperty) {
  auto j = problems_json(one({{"type", "text"}, {"text", 42}}));
  EXPECT_EQ(j["message"],
            "The property, 'messages[0].text', in the request body is invalid (line: -, column: "
            "-)");
  EXPECT_FALSE(j.contains("details"));
}

TEST(MessageValidator, UnknownTypes) {
  auto j = problems_json(one({{"type", "hologram"}}));
  EXPECT_EQ(j["details"][0]["property"], "messages[0].type");
  j = problems_json(one(J(R"({"type":"text","text":"x","quickReply":{"items":[
      {"type":"action","action":{"type":"teleport","label":"x"}}]}})")));
  EXPECT_EQ(j["details"][0]["property"], "messages[0].quickReply.items[0].action.type");
}

TEST(MessageValidator, DatetimePickerModeAndPostbackDataLength) {
  Json qr = J(R"({"type":"text","text":"日付","quickReply":{"items":[
      {"type":"action","action":{"type":"datetimepicker","label":"日付","data":"d","mode":"week"}},
      {"type":"action","action":{"type":"postback","label":"p","data":""}}]}})");
  qr["quickReply"]["items"][1]["action"]["data"] = std::string(301, 'x');
  auto j = problems_json(one(qr));
  ASSERT_EQ(j["details"].size(), 2u);
  EXPECT_EQ(j["details"][0]["property"], "messages[0].quickReply.items[0].action.mode");
  EXPECT_EQ(j["details"][1]["property"], "messages[0].quickReply.items[1].action.data");
}

}  // namespace
}  // namespace mg::linesim
