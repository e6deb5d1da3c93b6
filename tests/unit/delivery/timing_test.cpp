// Campaign timing (issue 13): due-occurrence computation in JST (month ends, leap years,
// holidays, no DST), life-stage offsets, and the sweep that fires each occurrence once.
#include "delivery/timing.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "../store/test_db.h"
#include "delivery/campaigns.h"
#include "delivery/garbage_reminders.h"
#include "delivery/schedule.h"

using namespace mg;
using namespace mg::delivery;
namespace chr = std::chrono;
using calendar::Date;

namespace {

Date ymd(int y, unsigned m, unsigned d) { return Date{chr::year{y}, chr::month{m}, chr::day{d}}; }
int64_t jst(int y, unsigned m, unsigned d, int h, int mi) {
  return calendar::jst_instant(ymd(y, m, d), h, mi);
}
Timing recurring(const Json& rule) { return parse_timing({{"kind", "recurring"}, {"rule", rule}}); }

}  // namespace

TEST(Timing, AtIsAJstInstantWithoutDst) {
  auto t = parse_timing({{"kind", "at"}, {"at", "2026-12-24T09:30"}});
  EXPECT_EQ(*first_occurrence(t, 0), 1798072200000);  // 2026-12-24T00:30:00Z
  EXPECT_EQ(occurrence_key(t.at_ms), "2026-12-24T09:30");
  // New Year's midnight in Japan is 15:00 UTC the day before.
  auto ny = parse_timing({{"kind", "at"}, {"at", "2027-01-01T00:00"}});
  EXPECT_EQ(ny.at_ms, 1798729200000);  // 2026-12-31T15:00:00Z
  // Summer and winter differ by exactly 24 h per day: no DST shift in JST.
  auto summer = parse_timing({{"kind", "at"}, {"at", "2026-07-01T09:00"}});
  auto winter = parse_timing({{"kind", "at"}, {"at", "2026-01-01T09:00"}});
  EXPECT_EQ((summer.at_ms - winter.at_ms) % 86400000, 0);
  EXPECT_EQ(to_json(t), (Json{{"kind", "at"}, {"at", "2026-12-24T09:30"}}));
  EXPECT_FALSE(next_occurrence(t, t.at_ms).has_value());
  EXPECT_EQ(describe(t), "2026年12月24日 9:30");
}

TEST(Timing, RejectsImpossibleDatesAndNamesTheField) {
  auto field_of = [](const Json& j) {
    try {
      parse_timing(j);
    } catch (const InvalidTiming& e) {
      return e.field;
    }
    return std::string("(accepted)");
  };
  EXPECT_EQ(field_of({{"kind", "at"}, {"at", "2027-02-29T09:00"}}), "at");  // common year
  EXPECT_EQ(field_of({{"kind", "at"}, {"at", "2028-02-29T09:00"}}), "(accepted)");
  EXPECT_EQ(field_of({{"kind", "at"}, {"at", "2026-04-31T09:00"}}), "at");
  EXPECT_EQ(field_of({{"kind", "at"}, {"at", "2026-04-01T24:00"}}), "at");
  EXPECT_EQ(field_of({{"kind", "at"}, {"at", "2026-04-01 09:00"}}), "at");
  EXPECT_EQ(field_of({{"kind", "at"}}), "at");
  EXPECT_EQ(field_of({{"kind", "later"}}), "kind");
  EXPECT_EQ(field_of(Json::array()), "");
  EXPECT_EQ(field_of({{"kind", "now"}, {"extra", 1}}), "extra");
  EXPECT_EQ(field_of({{"kind", "recurring"}, {"rule", {{"kind", "daily"}, {"time", "25:00"}}}}),
            "rule.time");
  EXPECT_EQ(field_of({{"kind", "lifestage"}, {"attribute", "Child"}}), "attribute");
  EXPECT_EQ(field_of({{"kind", "lifestage"}, {"attribute", "child"}, {"months", 241}}), "months");
  EXPECT_EQ(field_of({{"kind", "lifestage"}, {"attribute", "child"}, {"days", 1.5}}), "days");
  EXPECT_EQ(field_of({{"kind", "lifestage"}, {"attribute", "child"}, {"time", "9:00"}}), "time");
}

TEST(Timing, MonthEndsAndLeapYearsInRecurringRules) {
  // The 31st skips the months without one (RFC 5545), 末日 follows each month's length.
  auto d31 = recurring({{"kind", "monthly"}, {"dates", {31}}, {"time", "09:00"}});
  EXPECT_EQ(*next_occurrence(d31, jst(2027, 1, 31, 9, 0)), jst(2027, 3, 31, 9, 0));
  auto last = recurring({{"kind", "monthly"}, {"dates", {"last"}}, {"time", "09:00"}});
  EXPECT_EQ(*next_occurrence(last, jst(2028, 1, 31, 9, 0)), jst(2028, 2, 29, 9, 0));
  EXPECT_EQ(*next_occurrence(last, jst(2027, 1, 31, 9, 0)), jst(2027, 2, 28, 9, 0));
  auto d29 = recurring({{"kind", "monthly"}, {"dates", {29}}, {"time", "09:00"}});
  EXPECT_EQ(*next_occurrence(d29, jst(2027, 1, 29, 9, 0)), jst(2027, 3, 29, 9, 0));
  EXPECT_EQ(*next_occurrence(d29, jst(2028, 1, 29, 9, 0)), jst(2028, 2, 29, 9, 0));
  // The first occurrence counts the release instant itself.
  EXPECT_EQ(*first_occurrence(d29, jst(2028, 2, 29, 9, 0)), jst(2028, 2, 29, 9, 0));
  EXPECT_EQ(*first_occurrence(d29, jst(2028, 2, 29, 9, 1)), jst(2028, 3, 29, 9, 0));
}

TEST(Timing, HolidaysAndYearEndAreSkippedOnBusinessDays) {
  auto t = recurring({{"kind", "daily"}, {"days", "business_days"}, {"time", "08:30"}});
  // Friday 2026-11-20 → Monday 11-23 is 勤労感謝の日 → Tuesday 11-24.
  EXPECT_EQ(*next_occurrence(t, jst(2026, 11, 20, 8, 30)), jst(2026, 11, 24, 8, 30));
  // 12/29–1/3 closed; 2027-01-04 is a Monday.
  EXPECT_EQ(*next_occurrence(t, jst(2026, 12, 28, 8, 30)), jst(2027, 1, 4, 8, 30));
  // Exclusion dates are skipped, not moved.
  auto ex = recurring(
      {{"kind", "weekly"}, {"weekdays", {"mon"}}, {"time", "09:00"}, {"exclude", {"2026-12-07"}}});
  EXPECT_EQ(*next_occurrence(ex, jst(2026, 11, 30, 9, 0)), jst(2026, 12, 14, 9, 0));
}

TEST(Timing, AfterDowntimeOnlyTheLatestMissedOccurrenceIsDue) {
  auto daily = recurring({{"kind", "daily"}, {"time", "09:00"}});
  EXPECT_EQ(latest_due(daily, jst(2026, 12, 1, 9, 0), jst(2026, 12, 4, 10, 0)),
            jst(2026, 12, 4, 9, 0));
  EXPECT_EQ(latest_due(daily, jst(2026, 12, 1, 9, 0), jst(2026, 12, 1, 9, 0)),
            jst(2026, 12, 1, 9, 0));
  // Life-stage days each have their own residents: caught up one at a time.
  auto ls = parse_timing({{"kind", "lifestage"}, {"attribute", "child"}, {"months", 4}});
  EXPECT_EQ(latest_due(ls, jst(2026, 12, 1, 9, 0), jst(2026, 12, 4, 10, 0)),
            jst(2026, 12, 1, 9, 0));
  EXPECT_EQ(*first_occurrence(ls, jst(2026, 12, 1, 8, 59)), jst(2026, 12, 1, 9, 0));
  EXPECT_EQ(*first_occurrence(ls, jst(2026, 12, 1, 9, 1)), jst(2026, 12, 2, 9, 0));
  EXPECT_EQ(*next_occurrence(ls, jst(2026, 12, 31, 9, 0)), jst(2027, 1, 1, 9, 0));
}

TEST(Timing, LifestageOffsetsAtMonthEndsAndLeapDays) {
  EXPECT_EQ(add_offset(ymd(2026, 10, 31), 4, 0), ymd(2027, 2, 28));
  EXPECT_EQ(add_offset(ymd(2027, 10, 31), 4, 0), ymd(2028, 2, 29));
  EXPECT_EQ(add_offset(ymd(2024, 2, 29), 12, 0), ymd(2025, 2, 28));
  EXPECT_EQ(add_offset(ymd(2026, 12, 15), 0, -140), ymd(2026, 7, 28));  // pregnancy week 20
  EXPECT_EQ(dates_reaching(ymd(2027, 2, 28), 4, 0),
            (std::vector<Date>{ymd(2026, 10, 28), ymd(2026, 10, 29), ymd(2026, 10, 30),
                               ymd(2026, 10, 31)}));
  EXPECT_EQ(dates_reaching(ymd(2028, 2, 28), 4, 0), (std::vector<Date>{ymd(2027, 10, 28)}));
  EXPECT_EQ(dates_reaching(ymd(2028, 2, 29), 4, 0),
            (std::vector<Date>{ymd(2027, 10, 29), ymd(2027, 10, 30), ymd(2027, 10, 31)}));
  EXPECT_TRUE(dates_reaching(ymd(2027, 3, 30), 1, 0).empty());  // nobody: 2/28 + 1 = 3/28

  // Exhaustively: dates_reaching is exactly the inverse of add_offset over seven years.
  for (auto [months, days] : {std::pair{0, 0}, {1, 0}, {4, 0}, {12, 0}, {0, -140}, {3, 10}}) {
    std::map<chr::sys_days, std::set<chr::sys_days>> reached;
    chr::sys_days from{ymd(2023, 1, 1)}, to{ymd(2030, 1, 1)};
    for (auto x = from; x < to; x += chr::days{1})
      reached[chr::sys_days{add_offset(Date{x}, months, days)}].insert(x);
    for (auto t = from + chr::days{800}; t < to - chr::days{800}; t += chr::days{1}) {
      std::set<chr::sys_days> got;
      for (auto d : dates_reaching(Date{t}, months, days)) got.insert(chr::sys_days{d});
      ASSERT_EQ(got, reached[t]) << calendar::format_iso(Date{t}) << " +" << months << "m " << days;
    }
  }
}

TEST(GarbageReminder, TextNamesTomorrowAndEveryCategory) {
  EXPECT_EQ(reminder_text("東町", 12, 2, 3, {"燃やせるごみ", "びん"}),
            "明日 12月2日（水）は 燃やせるごみ・びん の収集日です。（東町）");
}

// The sweep on a real database: nothing before the instant, exactly once at and after it, and
// an occurrence already recorded (another process, a restart) is never fired again.
TEST(TimingSweep, FiresEachOccurrenceOnceOnBothBackends) {
  for (const auto& backend : testdb::backends()) {
    SCOPED_TRACE(backend);
    auto db = testdb::fresh_db(backend);
    int64_t tenant = 0;
    auto make = [&](const Json& timing) {
      return db->write([&](store::Tx& tx) {
        if (!tenant)
          tenant = tx.insert_id(
              "INSERT INTO tenants(code, name, created_at) VALUES ('t', 'T', 0) RETURNING id");
        Campaign c;
        c.tenant_id = tenant;
        c.title = "お知らせ";
        c.messages = Json::array({{{"type", "text"}, {"text", "こんにちは"}}});
        c.audience = {{"kind", "all"}};
        int64_t id = create(tx, c);
        set_timing(tx, tenant, id, parse_timing(timing));
        auto first = first_occurrence(parse_timing(timing), jst(2026, 12, 1, 0, 0));
        tx.exec("UPDATE campaign_timings SET next_run_at = ? WHERE campaign_id = ?", {*first, id});
        tx.exec("UPDATE campaigns SET status = 'scheduled' WHERE id = ?", {id});
        return id;
      });
    };
    auto status = [&](int64_t id) {
      return db->read([&](store::Tx& tx) { return find(tx, tenant, id)->status; });
    };
    auto occurrences = [&](int64_t id) {
      return db->read([&](store::Tx& tx) { return occurrences_of(tx, tenant, id, 100); });
    };
    int64_t at = make({{"kind", "at"}, {"at", "2026-12-24T09:30"}});
    EXPECT_EQ(sweep_timings(*db, jst(2026, 12, 24, 9, 29)), 0);
    EXPECT_EQ(status(at), "scheduled");
    EXPECT_EQ(sweep_timings(*db, jst(2026, 12, 24, 9, 30)), 1);
    EXPECT_EQ(status(at), "queued");
    EXPECT_EQ(sweep_timings(*db, jst(2026, 12, 25, 9, 30)), 0);
    ASSERT_EQ(occurrences(at).size(), 1u);
    EXPECT_EQ(occurrences(at)[0].key, "2026-12-24T09:30");

    int64_t daily = make({{"kind", "recurring"}, {"rule", {{"kind", "daily"}, {"time", "09:00"}}}});
    EXPECT_EQ(sweep_timings(*db, jst(2026, 12, 1, 9, 0)), 1);
    EXPECT_EQ(sweep_timings(*db, jst(2026, 12, 1, 9, 5)), 0);
    // A process that read the row before the first committed: the occurrence key stops it.
    db->write([&](store::Tx& tx) {
      tx.exec("UPDATE campaign_timings SET next_run_at = ? WHERE campaign_id = ?",
              {jst(2026, 12, 1, 9, 0), daily});
    });
    EXPECT_EQ(sweep_timings(*db, jst(2026, 12, 1, 9, 5)), 0);
    EXPECT_EQ(occurrences(daily).size(), 1u);
    // Three days down: one delivery for the latest missed day, not three.
    EXPECT_EQ(sweep_timings(*db, jst(2026, 12, 4, 10, 0)), 1);
    auto occ = occurrences(daily);
    ASSERT_EQ(occ.size(), 2u);
    EXPECT_EQ(occ[0].key, "2026-12-04T09:00");
    EXPECT_EQ(status(daily), "scheduled");
    ASSERT_TRUE(occ[0].delivery_id.has_value());
    EXPECT_EQ(status(*occ[0].delivery_id), "queued");
    // Cancelled: the sweep stops for good.
    db->write([&](store::Tx& tx) { cancel(tx, tenant, daily); });
    EXPECT_EQ(sweep_timings(*db, jst(2026, 12, 9, 10, 0)), 0);
    EXPECT_EQ(occurrences(daily).size(), 2u);
  }
}
