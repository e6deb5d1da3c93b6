// Hand-off rules without a database: the message body parser and staffed hours (JST, national
// holidays and the new-year days closed).
#include <gtest/gtest.h>

#include "core/errors.h"
#include "handoff/service.h"

using namespace mg::handoff;

namespace {
// 2026-12-01T10:00 JST is a Tuesday.
constexpr int64_t kTue10 = 1796086800000;  // 2026-12-01T01:00:00Z
constexpr int64_t kHour = 3600 * 1000;
}  // namespace

TEST(HandoffMessage, TrimsAndBounds) {
  EXPECT_EQ(parse_message_body({{"text", " \u3000 粗大ごみ \n"}}), "粗大ごみ");
  EXPECT_THROW(parse_message_body({{"text", "  \u3000 "}}), mg::ApiError);
  EXPECT_THROW(parse_message_body({{"text", 12}}), mg::ApiError);
  EXPECT_THROW(parse_message_body(mg::Json::array()), mg::ApiError);
  std::string max;
  for (int i = 0; i < 1000; ++i) max += "あ";
  EXPECT_EQ(parse_message_body({{"text", max}}), max);
  EXPECT_THROW(parse_message_body({{"text", max + "あ"}}), mg::ApiError);
  EXPECT_FALSE(
      clean_message_text("a\x01"
                         "b"));
  EXPECT_FALSE(clean_message_text("\xff\xfe"));
  EXPECT_EQ(*clean_message_text("一行目\n二行目"), "一行目\n二行目");
}

TEST(HandoffWords, AsksForPerson) {
  EXPECT_TRUE(asks_for_person("担当者"));
  EXPECT_TRUE(asks_for_person(" 人と話したい "));
  EXPECT_FALSE(asks_for_person("担当者の電話番号は？"));
}

TEST(HandoffHours, DefaultsAreTownHallHours) {
  Hours h = default_hours();
  EXPECT_TRUE(staffed_at(h, kTue10));
  EXPECT_FALSE(staffed_at(h, kTue10 + 8 * kHour));  // 18:00
  // Tuesday 18:00 → Wednesday 8:30.
  EXPECT_EQ(describe_time(*next_staffed(h, kTue10 + 8 * kHour)), "12月2日（水）8:30");
  // Saturday 2026-12-05 → Monday 12-07.
  EXPECT_EQ(describe_time(*next_staffed(h, kTue10 + 4 * 24 * kHour)), "12月7日（月）8:30");
  // 12-28 (Mon) 18:00 → the new-year days and the weekend are closed: 2027-01-04 (Mon).
  int64_t dec28_18 = kTue10 + 27 * 24 * kHour + 8 * kHour;
  EXPECT_EQ(describe_time(*next_staffed(h, dec28_18)), "1月4日（月）8:30");
  // Holidays off: the same rules say nothing is closed.
  h.closed_on_holidays = false;
  EXPECT_EQ(describe_time(*next_staffed(h, dec28_18)), "12月29日（火）8:30");
}

TEST(HandoffHours, ParseRejectsBadHours) {
  EXPECT_THROW(parse_hours({{"weekly", {{"mon", {{"18:00", "09:00"}}}}}}), mg::ApiError);
  EXPECT_THROW(parse_hours(mg::Json::object()), mg::ApiError);
  Hours none = parse_hours({{"weekly", mg::Json::object()}});
  EXPECT_FALSE(staffed_at(none, kTue10));
  EXPECT_FALSE(next_staffed(none, kTue10));
}
