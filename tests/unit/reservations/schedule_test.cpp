#include "reservations/schedule.h"

#include <gtest/gtest.h>

#include "core/errors.h"

using namespace mg::reservations;
namespace chr = std::chrono;

namespace {

Date ymd(int y, unsigned m, unsigned d) { return Date{chr::year{y}, chr::month{m}, chr::day{d}}; }

ResourceCalendar weekdays_9_to_12_and_13_to_17() {
  ResourceCalendar cal;
  cal.slot_minutes = 60;
  cal.weekly = parse_opening_hours(mg::Json::parse(
      R"({"mon":[["09:00","12:00"],["13:00","17:00"]],"tue":[["09:00","12:00"]],
          "wed":[["09:00","12:00"]],"thu":[["09:00","12:00"]],"fri":[["09:00","12:00"]]})"));
  return cal;
}

std::vector<std::string> starts(const ResourceCalendar& cal, Date d) {
  std::vector<std::string> out;
  for (int64_t s : slots_on(cal, d)) out.push_back(format_slot(s));
  return out;
}

}  // namespace

TEST(Schedule, WeeklyHoursGiveSlotsInJst) {
  auto cal = weekdays_9_to_12_and_13_to_17();
  // 2026-12-07 is a Monday.
  EXPECT_EQ(starts(cal, ymd(2026, 12, 7)),
            (std::vector<std::string>{"2026-12-07T09:00", "2026-12-07T10:00", "2026-12-07T11:00",
                                      "2026-12-07T13:00", "2026-12-07T14:00", "2026-12-07T15:00",
                                      "2026-12-07T16:00"}));
  EXPECT_EQ(starts(cal, ymd(2026, 12, 8)).size(), 3u);
  EXPECT_TRUE(starts(cal, ymd(2026, 12, 6)).empty());  // Sunday: no hours
  // 09:00 JST is 00:00 UTC.
  EXPECT_EQ(slots_on(cal, ymd(2026, 12, 7)).front() % (24 * 3600 * 1000), 0);
}

TEST(Schedule, SlotThatDoesNotFitIsNotOffered) {
  ResourceCalendar cal;
  cal.slot_minutes = 45;
  cal.weekly = parse_opening_hours(mg::Json::parse(R"({"mon":[["09:00","10:40"]]})"));
  EXPECT_EQ(starts(cal, ymd(2026, 12, 7)),
            (std::vector<std::string>{"2026-12-07T09:00", "2026-12-07T09:45"}));
}

TEST(Schedule, HolidaysIncludingSubstituteHolidayAreClosed) {
  auto cal = weekdays_9_to_12_and_13_to_17();
  // 2026-05-06 (Wed) is a 振替休日 for 憲法記念日 on Sunday 5/3.
  EXPECT_TRUE(starts(cal, ymd(2026, 5, 6)).empty());
  EXPECT_EQ(closed_reason(cal, ymd(2026, 5, 6)).value_or(""), "休日");
  // 2026-01-12 成人の日 (Monday).
  EXPECT_EQ(closed_reason(cal, ymd(2026, 1, 12)).value_or(""), "成人の日");
  EXPECT_TRUE(starts(cal, ymd(2026, 1, 12)).empty());
  // The day after is an ordinary Tuesday.
  EXPECT_EQ(starts(cal, ymd(2026, 1, 13)).size(), 3u);
  // Open on holidays when the resource says so.
  cal.closed_on_holidays = false;
  EXPECT_EQ(starts(cal, ymd(2026, 5, 6)).size(), 3u);
}

TEST(Schedule, ClosuresAndSpecialHours) {
  auto cal = weekdays_9_to_12_and_13_to_17();
  cal.special.push_back({ymd(2026, 12, 8), true, {}, "館内点検"});
  SpecialDay saturday{ymd(2026, 12, 12), false, {}, "特別開館"};
  saturday.hours = parse_intervals(mg::Json::parse(R"([["10:00","12:00"]])"), "special_days");
  cal.special.push_back(saturday);
  EXPECT_TRUE(starts(cal, ymd(2026, 12, 8)).empty());
  EXPECT_EQ(closed_reason(cal, ymd(2026, 12, 8)).value_or(""), "館内点検");
  EXPECT_EQ(starts(cal, ymd(2026, 12, 12)),
            (std::vector<std::string>{"2026-12-12T10:00", "2026-12-12T11:00"}));
  EXPECT_FALSE(is_slot(cal, *parse_slot("2026-12-08T09:00")));
  EXPECT_TRUE(is_slot(cal, *parse_slot("2026-12-07T09:00")));
  EXPECT_FALSE(is_slot(cal, *parse_slot("2026-12-07T09:30")));
  EXPECT_FALSE(is_slot(cal, *parse_slot("2026-12-07T12:00")));
}

TEST(Schedule, BookingWindow) {
  int64_t now = *parse_slot("2026-12-01T10:00");
  EXPECT_FALSE(in_window(*parse_slot("2026-12-01T09:00"), now, 30));  // past
  EXPECT_FALSE(in_window(now, now, 30));                              // starting now
  EXPECT_TRUE(in_window(*parse_slot("2026-12-01T11:00"), now, 30));
  EXPECT_TRUE(in_window(*parse_slot("2026-12-31T23:00"), now, 30));   // last day, whole day
  EXPECT_FALSE(in_window(*parse_slot("2027-01-01T00:00"), now, 30));  // one day beyond
  EXPECT_FALSE(in_window(*parse_slot("2026-12-02T09:00"), now, 0));   // today only
}

TEST(Schedule, SlotTextRoundTripsAndRejectsJunk) {
  EXPECT_EQ(format_slot(*parse_slot("2026-12-07T09:30")), "2026-12-07T09:30");
  for (const char* bad :
       {"", "2026-12-07", "2026-12-07 09:30", "2026-13-07T09:30", "2026-02-30T09:00",
        "2026-12-07T24:00", "2026-12-07T09:60", "2026-12-07T9:30x", "２０２６-12-07T09:30"})
    EXPECT_FALSE(parse_slot(bad).has_value()) << bad;
}

TEST(Schedule, OpeningHoursParserRefusesBadInput) {
  for (const char* bad :
       {R"([])", R"({"monday":[]})", R"({"mon":"09:00-17:00"})", R"({"mon":[["09:00"]]})",
        R"({"mon":[["17:00","09:00"]]})", R"({"mon":[["09:00","12:00"],["11:00","13:00"]]})",
        R"({"mon":[["25:00","26:00"]]})", R"({"mon":[[900,1200]]})",
        R"({"mon":[["24:00","24:30"]]})"}) {
    EXPECT_THROW(parse_opening_hours(mg::Json::parse(bad)), mg::ApiError) << bad;
  }
  auto w = parse_opening_hours(mg::Json::parse(R"({"sat":[["13:00","24:00"],["08:00","09:00"]]})"));
  EXPECT_EQ(to_json(w).dump(), R"({"sat":[["08:00","09:00"],["13:00","24:00"]]})");
}
