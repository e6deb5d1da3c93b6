#include "calendar/recurrence.h"

#include <gtest/gtest.h>

namespace mg::calendar {
namespace {

using namespace std::chrono;

Date D(int y, unsigned m, unsigned d) { return Date{year{y}, month{m}, day{d}}; }

Recurrence rule(const char* json) { return parse_recurrence(Json::parse(json)); }

// The JST date and time of the next occurrence after the given JST date and time, as
// "YYYY-MM-DD HH:MM", or "none".
std::string next(const Recurrence& r, Date d, int h = 9, int m = 0) {
  auto at = next_after(r, jst_instant(d, h, m));
  if (!at) return "none";
  Date day = jst_date(*at);
  int64_t minutes = ((*at + 9 * 3600000LL) % 86400000) / 60000;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(minutes / 60),
                static_cast<int>(minutes % 60));
  return format_iso(day) + " " + buf;
}

std::string field_of(const char* json) {
  try {
    rule(json);
  } catch (const InvalidRecurrence& e) {
    EXPECT_FALSE(std::string(e.what()).empty());
    return e.field;
  }
  return "(accepted)";
}

TEST(Recurrence, JstIsUtcPlusNine) {
  EXPECT_EQ(jst_instant(D(2026, 1, 1), 9, 0), 1767225600000);         // 2026-01-01T00:00Z
  EXPECT_EQ(jst_date(1767225600000 - 9 * 3600000LL), D(2026, 1, 1));  // 00:00 JST
  EXPECT_EQ(jst_date(1767225600000 - 9 * 3600000LL - 1), D(2025, 12, 31));
  // Just after midnight JST the date is already the next day while UTC is still the old one.
  auto r = rule(R"({"kind":"daily","time":"00:30"})");
  EXPECT_EQ(next(r, D(2026, 1, 2), 0, 0), "2026-01-02 00:30");
  EXPECT_EQ(next(r, D(2026, 1, 2), 0, 30), "2026-01-03 00:30") << "strictly after";
}

TEST(Recurrence, DailyWeekdaysAndBusinessDays) {
  // Golden Week 2026: 4/29 昭和の日, 5/3–5/5, 5/6 振替休日.
  EXPECT_EQ(next(rule(R"({"kind":"daily","time":"09:00"})"), D(2026, 5, 1)), "2026-05-02 09:00");
  EXPECT_EQ(next(rule(R"({"kind":"daily","time":"09:00","days":"weekdays"})"), D(2026, 5, 1)),
            "2026-05-04 09:00");
  auto business = rule(R"({"kind":"daily","time":"08:30","days":"business_days"})");
  EXPECT_EQ(next(business, D(2026, 5, 1)), "2026-05-07 08:30");
  // Year end: the town hall is closed 12/29–1/3.
  EXPECT_EQ(next(business, D(2026, 12, 28)), "2027-01-04 08:30");
  EXPECT_EQ(next(business, D(2026, 12, 28), 8, 0), "2026-12-28 08:30");
}

TEST(Recurrence, WeeklyOnGivenWeekdays) {
  auto r = rule(R"({"kind":"weekly","weekdays":["thu","mon","mon"],"time":"17:15"})");
  EXPECT_EQ(r.weekdays, (std::vector<int>{1, 4}));
  EXPECT_EQ(next(r, D(2026, 4, 1)), "2026-04-02 17:15");  // Wednesday -> Thursday
  EXPECT_EQ(next(r, D(2026, 4, 2), 18, 0), "2026-04-06 17:15");
  // A business-day filter skips a holiday Monday (2026-07-20 海の日) rather than moving it.
  auto b = rule(R"({"kind":"weekly","weekdays":["mon"],"time":"09:00","days":"business_days"})");
  EXPECT_EQ(next(b, D(2026, 7, 14)), "2026-07-27 09:00");
}

TEST(Recurrence, MonthEndsAndLeapYears) {
  auto last = rule(R"({"kind":"monthly","dates":["last"],"time":"09:00"})");
  EXPECT_EQ(next(last, D(2024, 1, 31)), "2024-02-29 09:00");
  EXPECT_EQ(next(last, D(2025, 1, 31)), "2025-02-28 09:00");
  EXPECT_EQ(next(last, D(2026, 4, 1)), "2026-04-30 09:00");
  EXPECT_EQ(next(last, D(2026, 12, 31)), "2027-01-31 09:00") << "year end";
  // The 31st is skipped in shorter months (RFC 5545); "last" is for 末日.
  auto d31 = rule(R"({"kind":"monthly","dates":[31],"time":"09:00"})");
  EXPECT_EQ(next(d31, D(2026, 1, 31)), "2026-03-31 09:00");
  EXPECT_EQ(next(d31, D(2026, 3, 31)), "2026-05-31 09:00");
  auto d29 = rule(R"({"kind":"monthly","dates":[29],"time":"09:00"})");
  EXPECT_EQ(next(d29, D(2025, 1, 29)), "2025-03-29 09:00");
  EXPECT_EQ(next(d29, D(2024, 1, 29)), "2024-02-29 09:00");
  // 30 and last on the same day of a 30-day month occur once.
  auto both = rule(R"({"kind":"monthly","dates":[30,"last",1],"time":"09:00"})");
  EXPECT_EQ(next(both, D(2026, 4, 1)), "2026-04-30 09:00");
  EXPECT_EQ(next(both, D(2026, 4, 30)), "2026-05-01 09:00");
}

TEST(Recurrence, NthWeekdayOfTheMonth) {
  auto second_tue = rule(R"({"kind":"nth_weekday","nth":[{"week":2,"weekday":"tue"}],
                             "time":"09:00"})");
  EXPECT_EQ(next(second_tue, D(2026, 12, 1)), "2026-12-08 09:00");
  EXPECT_EQ(next(second_tue, D(2026, 12, 8)), "2027-01-12 09:00");
  auto last_fri = rule(R"({"kind":"nth_weekday","nth":[{"week":"last","weekday":"fri"}],
                           "time":"09:00"})");
  EXPECT_EQ(next(last_fri, D(2026, 2, 1)), "2026-02-27 09:00");
  EXPECT_EQ(next(last_fri, D(2026, 1, 1)), "2026-01-30 09:00");
  // A 5th Friday exists only in some months: January, then May 2026.
  auto fifth_fri = rule(R"({"kind":"nth_weekday","nth":[{"week":5,"weekday":"fri"}],
                            "time":"09:00"})");
  EXPECT_EQ(next(fifth_fri, D(2026, 1, 1)), "2026-01-30 09:00");
  EXPECT_EQ(next(fifth_fri, D(2026, 1, 30)), "2026-05-29 09:00");
}

TEST(Recurrence, EveryNDaysAndWeeksFromAStartDate) {
  auto three = rule(R"({"kind":"every_n_days","interval":3,"start":"2026-04-01","time":"07:00"})");
  EXPECT_EQ(next(three, D(2026, 3, 1)), "2026-04-01 07:00");
  EXPECT_EQ(next(three, D(2026, 4, 1)), "2026-04-04 07:00");
  EXPECT_EQ(next(three, D(2026, 4, 29)), "2026-05-01 07:00");
  auto fortnight = rule(R"({"kind":"every_n_weeks","interval":2,"weekdays":["wed"],
                            "start":"2026-04-01","time":"07:00"})");
  EXPECT_EQ(next(fortnight, D(2026, 4, 1)), "2026-04-15 07:00");
  EXPECT_EQ(next(fortnight, D(2026, 4, 16)), "2026-04-29 07:00");
}

TEST(Recurrence, ExclusionsStartAndEnd) {
  auto r = rule(R"({"kind":"daily","time":"09:00","start":"2026-01-01","end":"2026-01-05",
                    "exclude":["2026-01-02","2026-01-03"]})");
  EXPECT_EQ(next(r, D(2025, 6, 1)), "2026-01-01 09:00");
  EXPECT_EQ(next(r, D(2026, 1, 1)), "2026-01-04 09:00");
  EXPECT_EQ(next(r, D(2026, 1, 5)), "none");
  EXPECT_FALSE(occurs_on(r, D(2026, 1, 2)));
  EXPECT_TRUE(occurs_on(r, D(2026, 1, 5)));
}

TEST(Recurrence, DescribedInJapanese) {
  EXPECT_EQ(describe(rule(R"({"kind":"nth_weekday","nth":[{"week":2,"weekday":"tue"}],
                               "time":"09:00"})")),
            "毎月第2火曜日 9:00");
  EXPECT_EQ(describe(rule(R"({"kind":"nth_weekday","nth":[{"week":"last","weekday":"fri"},
                               {"week":1,"weekday":"mon"}],"time":"18:05"})")),
            "毎月第1月曜日・最終金曜日 18:05");
  EXPECT_EQ(describe(rule(R"({"kind":"monthly","dates":["last",15],"time":"09:00"})")),
            "毎月15日・末日 9:00");
  EXPECT_EQ(describe(rule(R"({"kind":"daily","time":"08:30","days":"weekdays"})")),
            "平日（月〜金） 8:30");
  EXPECT_EQ(describe(rule(R"({"kind":"weekly","weekdays":["mon","thu"],"time":"10:00",
                               "days":"business_days","start":"2026-04-01",
                               "exclude":["2026-04-02"]})")),
            "毎週月・木曜日 10:00（閉庁日は除く、2026年4月1日から、除外日 1 日）");
  EXPECT_EQ(describe(rule(R"({"kind":"every_n_weeks","interval":2,"weekdays":["wed"],
                               "start":"2026-04-01","end":"2027-03-31","time":"07:00"})")),
            "2週ごとの水曜日 7:00（2026年4月1日〜2027年3月31日）");
}

TEST(Recurrence, CanonicalJsonRoundTrips) {
  for (const char* j : {
           R"({"kind":"daily","time":"09:00","days":"business_days"})",
           R"({"kind":"weekly","weekdays":["sun","sat"],"time":"23:59"})",
           R"({"kind":"monthly","dates":[1,"last"],"time":"00:00","exclude":["2026-01-01"]})",
           R"({"kind":"nth_weekday","nth":[{"week":"last","weekday":"fri"}],"time":"09:00"})",
           R"({"kind":"every_n_weeks","interval":3,"weekdays":["tue"],"start":"2026-04-01",
               "end":"2026-09-30","time":"12:00"})",
       }) {
    auto r = rule(j);
    EXPECT_EQ(parse_recurrence(to_json(r)), r) << j;
  }
}

TEST(Recurrence, BadRulesNameTheField) {
  EXPECT_EQ(field_of("[]"), "");
  EXPECT_EQ(field_of(R"({"kind":"hourly","time":"09:00"})"), "kind");
  EXPECT_EQ(field_of(R"({"kind":"daily"})"), "time");
  EXPECT_EQ(field_of(R"({"kind":"daily","time":"24:00"})"), "time");
  EXPECT_EQ(field_of(R"({"kind":"daily","time":"9:00"})"), "time");
  EXPECT_EQ(field_of(R"({"kind":"daily","time":"09:00","days":"holidays"})"), "days");
  EXPECT_EQ(field_of(R"({"kind":"daily","time":"09:00","colour":"red"})"), "colour");
  EXPECT_EQ(field_of(R"({"kind":"daily","time":"09:00","weekdays":["mon"]})"), "weekdays");
  EXPECT_EQ(field_of(R"({"kind":"weekly","time":"09:00"})"), "weekdays");
  EXPECT_EQ(field_of(R"({"kind":"weekly","time":"09:00","weekdays":["月"]})"), "weekdays[0]");
  EXPECT_EQ(field_of(R"({"kind":"monthly","time":"09:00","dates":[0]})"), "dates[0]");
  EXPECT_EQ(field_of(R"({"kind":"monthly","time":"09:00","dates":[1,32]})"), "dates[1]");
  EXPECT_EQ(field_of(R"({"kind":"monthly","time":"09:00","dates":[]})"), "dates");
  EXPECT_EQ(field_of(R"({"kind":"nth_weekday","time":"09:00","nth":[{"week":6,
                          "weekday":"mon"}]})"),
            "nth[0].week");
  EXPECT_EQ(field_of(R"({"kind":"nth_weekday","time":"09:00","nth":[{"week":1}]})"),
            "nth[0].weekday");
  EXPECT_EQ(field_of(R"({"kind":"every_n_days","time":"09:00","interval":3})"), "start");
  EXPECT_EQ(field_of(R"({"kind":"every_n_days","time":"09:00","interval":0,
                          "start":"2026-04-01"})"),
            "interval");
  EXPECT_EQ(field_of(R"({"kind":"daily","time":"09:00","start":"2026-02-30"})"), "start");
  EXPECT_EQ(field_of(R"({"kind":"daily","time":"09:00","start":"2026-04-01",
                          "end":"2026-03-31"})"),
            "end");
  Json many = Json::parse(R"({"kind":"daily","time":"09:00"})");
  many["exclude"] = Json::array();
  for (int i = 0; i < 367; ++i) many["exclude"].push_back("2026-01-01");
  try {
    parse_recurrence(many);
    ADD_FAILURE() << "367 exclusions accepted";
  } catch (const InvalidRecurrence& e) {
    EXPECT_EQ(e.field, "exclude");
    EXPECT_NE(std::string(e.what()).find("366"), std::string::npos);
  }
  try {
    rule(R"({"kind":"daily","time":"25:00"})");
  } catch (const InvalidRecurrence& e) {
    EXPECT_EQ(std::string(e.what()), "time（時刻）は 00:00〜23:59 にしてください");
  }
}

}  // namespace
}  // namespace mg::calendar
