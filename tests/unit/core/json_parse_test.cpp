#include <gtest/gtest.h>

#include <string>

#include "core/errors.h"
#include "core/http.h"
#include "core/json_limit_error.h"
#include "core/json_parse.h"

using namespace mg;

namespace {
std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}
std::string nested_objects(std::size_t depth) {
  std::string s;
  for (std::size_t i = 0; i < depth; ++i) s += "{\"a\":";
  s += "1";
  s += std::string(depth, '}');
  return s;
}
// The error code parse_json throws for text, or "" when it parses.
std::string limit_code(std::string_view text, JsonLimits limits = {}) {
  try {
    parse_json(text, limits);
    return "";
  } catch (const JsonLimitError& e) {
    return e.code();
  }
}
}  // namespace

TEST(JsonNestingDepth, CountsArraysAndObjects) {
  EXPECT_EQ(json_nesting_depth("1", 64), 0u);
  EXPECT_EQ(json_nesting_depth("\"x\"", 64), 0u);
  EXPECT_EQ(json_nesting_depth("[]", 64), 1u);
  EXPECT_EQ(json_nesting_depth("{\"a\":[1,{\"b\":[]}],\"c\":{}}", 64), 4u);
  EXPECT_EQ(json_nesting_depth("[[],[],[[]]]", 64), 3u);
}

TEST(JsonNestingDepth, BracketsInsideStringsDoNotCount) {
  EXPECT_EQ(json_nesting_depth(R"({"a":"[[[{{{"})", 64), 1u);
  EXPECT_EQ(json_nesting_depth(R"(["]]]]", "[[[["])", 64), 1u);
  // An escaped quote does not end the string; the brackets after it are still inside.
  EXPECT_EQ(json_nesting_depth(R"(["a\"[[[[", 1])", 64), 1u);
  // An escaped backslash does not escape the closing quote.
  EXPECT_EQ(json_nesting_depth(R"(["a\\", [[1]]])", 64), 3u);
  EXPECT_EQ(json_nesting_depth(R"(["\u005b\"{"])", 64), 1u);
}

TEST(JsonNestingDepth, StopsEarlyAndSurvivesMalformedText) {
  EXPECT_EQ(json_nesting_depth(std::string(1'000'000, '['), 64), 65u);
  EXPECT_EQ(json_nesting_depth("[\"unterminated", 64), 1u);
  EXPECT_EQ(json_nesting_depth("\"\\", 64), 0u);  // a trailing backslash inside a string
  EXPECT_EQ(json_nesting_depth("", 64), 0u);
  // nlohmann stops at an unmatched closer, so nothing after it is counted.
  EXPECT_EQ(json_nesting_depth("[]][[[[", 64), 1u);
}

TEST(ParseJson, Depth64IsAcceptedAnd65Refused) {
  EXPECT_EQ(limit_code(nested_arrays(64)), "");
  EXPECT_EQ(limit_code(nested_objects(64)), "");
  EXPECT_EQ(limit_code(nested_arrays(65)), "json_too_deep");
  EXPECT_EQ(limit_code(nested_objects(65)), "json_too_deep");
  EXPECT_EQ(parse_json(nested_arrays(64)).dump(), nested_arrays(64));
}

TEST(ParseJson, TooDeepIsA400InTheErrorFormat) {
  try {
    parse_json(nested_arrays(200'000));
    FAIL() << "expected JsonLimitError";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.code(), "json_too_deep");
    EXPECT_EQ(e.details()["max_depth"], 64);
    EXPECT_NE(std::string(e.what()).find("深すぎます"), std::string::npos);
  }
}

TEST(ParseJson, BracketsInStringsDoNotMakeItDeep) {
  std::string text = R"({"a":")" + std::string(1000, '[') + R"(\"", "b":[1]})";
  Json j = parse_json(text);
  EXPECT_EQ(j["a"].get<std::string>(), std::string(1000, '[') + "\"");
  EXPECT_EQ(j["b"][0], 1);
}

TEST(ParseJson, SizeLimit) {
  EXPECT_EQ(limit_code("[1,2,3]", {64, 7}), "");
  try {
    parse_json("[1,2,3] ", {64, 7});
    FAIL() << "expected JsonLimitError";
  } catch (const JsonLimitError& e) {
    EXPECT_EQ(e.status(), 413);
    EXPECT_EQ(e.code(), "json_too_large");
  }
}

TEST(ParseJson, MalformedTextStaysAParseError) {
  EXPECT_THROW(parse_json("{\"a\":"), Json::parse_error);
  EXPECT_THROW(parse_json("[1]]"), Json::parse_error);
  EXPECT_THROW(parse_json(""), Json::parse_error);
  EXPECT_TRUE(parse_json_or_discarded("{\"a\":").is_discarded());
  EXPECT_TRUE(parse_json_or_discarded("[\"\\").is_discarded());
  // Still refused for depth, even though it is malformed too: the cap comes first.
  EXPECT_THROW(parse_json_or_discarded(std::string(100, '[')), JsonLimitError);
}

TEST(ParseStoredJson, OverLimitReadsAsUnreadable) {
  EXPECT_TRUE(parse_stored_json(nested_arrays(200'000)).is_discarded());
  EXPECT_TRUE(parse_stored_json("{\"a\":").is_discarded());
  EXPECT_TRUE(parse_stored_json("[1,2]", {64, 3}).is_discarded());
  EXPECT_EQ(parse_stored_json(R"({"a":[1]})")["a"][0], 1);
}

TEST(RequestJsonBody, RefusesDeepBodiesAndKeepsMalformedBehaviour) {
  http::Request req;
  req.body = nested_objects(200'000);
  try {
    req.json_body();
    FAIL() << "expected JsonLimitError";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.code(), "json_too_deep");
  }
  req.body = "{\"a\":";
  try {
    req.json_body();
    FAIL() << "expected ApiError";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.code(), "invalid_json");
  }
  req.body = R"({"a":{"b":[1]}})";
  EXPECT_EQ(req.json_body()["a"]["b"][0], 1);
  EXPECT_EQ(http::json_body(req, JsonLimits{3, 1024}).size(), 1u);
  EXPECT_THROW(http::json_body(req, JsonLimits{2, 1024}), JsonLimitError);
  EXPECT_THROW(http::json_body(req, JsonLimits{64, 4}), JsonLimitError);
}
