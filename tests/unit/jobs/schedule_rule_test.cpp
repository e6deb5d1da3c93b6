// Recurring schedules with calendar rules (jobs::RuleSchedule) on both backends.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "../store/test_db.h"
#include "core/clock.h"
#include "jobs/queue.h"

using namespace mg;
using calendar::Date;
using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

namespace {

calendar::Recurrence rule(const char* json) {
  return calendar::parse_recurrence(Json::parse(json));
}

// Moves the process clock so that "now" is the given instant (plus a little).
void travel_to(int64_t at_ms) {
  clock::set_offset_ms(0);
  clock::set_offset_ms(at_ms - clock::now_ms());
}

int64_t tenant(store::Db& db, const std::string& code) {
  return db.write([&](store::Tx& tx) {
    return tx.insert_id(
        "INSERT INTO tenants(code, name, created_at) VALUES (?, ?, "
        "?) RETURNING id",
        {code, "村 " + code, clock::now_ms()});
  });
}

}  // namespace

class ScheduleRuleTest : public ::testing::TestWithParam<std::string> {
 protected:
  void TearDown() override { clock::set_offset_ms(0); }
};

TEST_P(ScheduleRuleTest, EachOccurrenceRunsOnceWithTheTenantAndFollowsTheRule) {
  auto db = testdb::fresh_db(GetParam());
  int64_t t = tenant(*db, "sched1");
  // Start on Friday 2026-05-01 08:00 JST, before Golden Week.
  travel_to(calendar::jst_instant(Date{year{2026}, month{5}, day{1}}, 8, 0));
  jobs::Runner runner(*db, 1);
  std::vector<jobs::Job> ran;
  runner.handle("reminder", [&](const jobs::Job& j) { ran.push_back(j); });
  jobs::RuleSchedule s{"t.reminder",
                       t,
                       "reminder",
                       {{"text", "ごみの日"}},
                       rule(R"({"kind":"daily","time":"08:30","days":"business_days"})")};
  runner.every_rule(s);
  auto first = calendar::jst_instant(Date{year{2026}, month{5}, day{1}}, 8, 30);
  EXPECT_EQ(db->read([](store::Tx& tx) { return jobs::next_run_at(tx, "t.reminder"); }), first);
  EXPECT_EQ(runner.drain(), 0);

  travel_to(first + 1000);
  EXPECT_EQ(runner.drain(), 1);
  EXPECT_EQ(runner.drain(), 0) << "one occurrence, one job";
  ASSERT_EQ(ran.size(), 1u);
  EXPECT_EQ(ran[0].tenant_id, t);
  EXPECT_EQ(ran[0].payload["text"], "ごみの日");
  EXPECT_EQ(ran[0].payload["occurrence_at"], first);
  // Golden Week and the weekend are skipped: next is Thursday 5/7.
  auto next = calendar::jst_instant(Date{year{2026}, month{5}, day{7}}, 8, 30);
  EXPECT_EQ(db->read([](store::Tx& tx) { return jobs::next_run_at(tx, "t.reminder"); }), next);

  // Registering the same rule again (a restart) keeps the stored next occurrence...
  travel_to(next - 3600 * 1000);
  runner.every_rule(s);
  EXPECT_EQ(db->read([](store::Tx& tx) { return jobs::next_run_at(tx, "t.reminder"); }), next);
  // ...a changed rule recomputes it.
  s.rule = rule(R"({"kind":"nth_weekday","nth":[{"week":2,"weekday":"tue"}],"time":"09:00"})");
  runner.every_rule(s);
  EXPECT_EQ(db->read([](store::Tx& tx) { return jobs::next_run_at(tx, "t.reminder"); }),
            calendar::jst_instant(Date{year{2026}, month{5}, day{12}}, 9, 0));
}

TEST_P(ScheduleRuleTest, MissedOccurrencesRunOnceThenTheRuleContinues) {
  auto db = testdb::fresh_db(GetParam());
  travel_to(calendar::jst_instant(Date{year{2026}, month{1}, day{1}}, 0, 0));
  jobs::Runner runner(*db, 1);
  int ran = 0;
  runner.handle("monthly", [&](const jobs::Job&) { ran++; });
  runner.every_rule({"m", std::nullopt, "monthly", Json::object(),
                     rule(R"({"kind":"monthly","dates":["last"],"time":"09:00"})")});
  // Down from January to mid-April: one catch-up run, then 4/30.
  travel_to(calendar::jst_instant(Date{year{2026}, month{4}, day{15}}, 12, 0));
  EXPECT_EQ(runner.drain(), 1);
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(db->read([](store::Tx& tx) { return jobs::next_run_at(tx, "m"); }),
            calendar::jst_instant(Date{year{2026}, month{4}, day{30}}, 9, 0));
}

TEST_P(ScheduleRuleTest, AnEndedRuleParksAndAnUnreadableOneDoesNotStopOthers) {
  auto db = testdb::fresh_db(GetParam());
  travel_to(calendar::jst_instant(Date{year{2026}, month{1}, day{1}}, 0, 0));
  jobs::Runner runner(*db, 1);
  int ended = 0, interval = 0;
  runner.handle("ended", [&](const jobs::Job&) { ended++; });
  runner.handle("interval", [&](const jobs::Job&) { interval++; });
  runner.every_rule({"e", std::nullopt, "ended", Json::object(),
                     rule(R"({"kind":"daily","time":"09:00","end":"2026-01-01"})")});
  runner.every("i", "interval", Json::object(), 60000);
  db->write([](store::Tx& tx) {
    tx.exec(
        "INSERT INTO schedules(name, kind, payload, interval_ms, rule, next_run_at) VALUES "
        "('bad', 'ended', '{}', 0, '{\"kind\":\"hourly\"}', 0)");
  });
  // Half a minute off the interval's phase, so its next tick is not within this drain.
  travel_to(calendar::jst_instant(Date{year{2026}, month{1}, day{1}}, 9, 30) + 30000);
  EXPECT_EQ(runner.drain(), 2);
  EXPECT_EQ(ended, 1) << "the last occurrence ran, the unreadable rule did not";
  EXPECT_EQ(interval, 1) << "interval schedules keep working beside rules";
  EXPECT_EQ(db->read([](store::Tx& tx) { return jobs::next_run_at(tx, "e"); }), jobs::kNever);
  EXPECT_EQ(db->read([](store::Tx& tx) { return jobs::next_run_at(tx, "bad"); }), jobs::kNever);
  travel_to(calendar::jst_instant(Date{year{2026}, month{1}, day{3}}, 9, 30));
  runner.drain();
  EXPECT_EQ(ended, 1);
}

TEST_P(ScheduleRuleTest, TwoProcessesRacingForOneOccurrenceRunItOnce) {
  auto url = testdb::fresh_url(GetParam());
  auto db1 = store::open(url, 4);
  store::migrate(*db1);
  auto db2 = store::open(url, 4);  // a second "process" on the same database
  travel_to(calendar::jst_instant(Date{year{2026}, month{12}, day{1}}, 0, 0));
  std::atomic<int> ran{0};
  jobs::Runner r1(*db1, 1), r2(*db2, 1);
  for (auto* r : {&r1, &r2}) {
    r->handle("second-tuesday", [&](const jobs::Job&) { ran++; });
    r->every_rule(
        {"s", std::nullopt, "second-tuesday", Json::object(),
         rule(R"({"kind":"nth_weekday","nth":[{"week":2,"weekday":"tue"}],"time":"09:00"})")});
  }
  for (int round = 0; round < 5; ++round) {
    // Each round: the next second Tuesday; both processes tick at once, many times.
    int64_t due = *db1->read([](store::Tx& tx) { return jobs::next_run_at(tx, "s"); });
    travel_to(due + 500);
    std::atomic<bool> go{false};
    auto race = [&](jobs::Runner& r) {
      while (!go) std::this_thread::yield();
      for (int i = 0; i < 5; ++i) r.drain();
    };
    std::thread a(race, std::ref(r1)), b(race, std::ref(r2));
    go = true;
    a.join();
    b.join();
    EXPECT_EQ(ran, round + 1) << "round " << round;
  }
  EXPECT_EQ(jobs::stats(*db1).done, 5);
}

INSTANTIATE_TEST_SUITE_P(Backends, ScheduleRuleTest, ::testing::ValuesIn(testdb::backends()));
