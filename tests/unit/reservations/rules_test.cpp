// The booking rules: pure calendar rules, then the ledger enforcing them (and the waitlist)
// in the booking transaction on a real database (SQLite; PostgreSQL when MG_PG_ADMIN_URL).
#include "reservations/rules.h"

#include <gtest/gtest.h>

#include <functional>

#include "../store/test_db.h"
#include "core/clock.h"
#include "core/errors.h"
#include "reservations/ledger.h"
#include "reservations/waitlist.h"

using namespace mg;
using namespace mg::reservations;
namespace chr = std::chrono;

namespace {

Date ymd(int y, unsigned m, unsigned d) { return Date{chr::year{y}, chr::month{m}, chr::day{d}}; }
int64_t at(const std::string& slot) { return *parse_slot(slot); }

ResourceCalendar every_day_9_to_17(int slot_minutes = 60) {
  ResourceCalendar cal;
  cal.slot_minutes = slot_minutes;
  cal.closed_on_holidays = false;
  cal.weekly = parse_opening_hours(Json::parse(
      R"({"mon":[["09:00","12:00"],["13:00","17:00"]],"tue":[["09:00","12:00"],["13:00","17:00"]],
          "wed":[["09:00","12:00"],["13:00","17:00"]],"thu":[["09:00","12:00"],["13:00","17:00"]],
          "fri":[["09:00","12:00"],["13:00","17:00"]],"sat":[["09:00","17:00"]],
          "sun":[["09:00","17:00"]]})"));
  return cal;
}

std::string code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ApiError& e) {
    return e.code();
  }
  return "";
}

}  // namespace

TEST(Rules, BusinessDaysSkipAHolidayWeekendAndClosedDays) {
  auto cal = every_day_9_to_17();
  // Fri 2026-09-18; Sat 19, Sun 20, Mon 21 敬老の日, Tue 22 国民の休日, Wed 23 秋分の日.
  EXPECT_EQ(business_days_after(cal, ymd(2026, 9, 18), 1), ymd(2026, 9, 24));
  EXPECT_EQ(business_days_after(cal, ymd(2026, 9, 18), 2), ymd(2026, 9, 25));
  EXPECT_EQ(business_days_after(cal, ymd(2026, 9, 18), 0), ymd(2026, 9, 18));
  // A resource's closed special day is skipped too.
  cal.special.push_back({ymd(2026, 9, 24), true, {}, "点検"});
  EXPECT_EQ(business_days_after(cal, ymd(2026, 9, 18), 1), ymd(2026, 9, 25));
  // Year end: 12/29–1/3 are not business days.
  EXPECT_EQ(business_days_after(cal, ymd(2026, 12, 28), 1), ymd(2027, 1, 4));

  // Booking on Friday with a 2-business-day lead: Friday the 25th is the first bookable day.
  Lead two{2, LeadUnit::business_days};
  int64_t friday_noon = at("2026-09-18T12:00");
  cal.special.clear();
  EXPECT_FALSE(lead_met(two, cal, at("2026-09-24T09:00"), friday_noon));
  EXPECT_TRUE(lead_met(two, cal, at("2026-09-25T09:00"), friday_noon));
  EXPECT_NE(lead_text(two).find("2 開庁日前"), std::string::npos);
  // Hours: 24 hours before, to the minute.
  Lead day{24, LeadUnit::hours};
  EXPECT_TRUE(lead_met(day, cal, at("2026-09-19T12:00"), friday_noon));
  EXPECT_FALSE(lead_met(day, cal, at("2026-09-19T11:00"), friday_noon));
  EXPECT_TRUE(lead_met(Lead{}, cal, friday_noon + 1, friday_noon));
}

TEST(Rules, MonthBeforeWindowOpensOnTheFirstOfThePreviousMonth) {
  EXPECT_EQ(month_before_opening(ymd(2027, 1, 15)), ymd(2026, 12, 1));
  EXPECT_EQ(month_before_opening(ymd(2026, 12, 31)), ymd(2026, 11, 1));
  int64_t nov30_late = at("2026-11-30T23:59");
  int64_t dec1 = at("2026-12-01T00:00");
  // January's slots: not on 11/30 (JST), from 12/1 00:00 JST.
  auto why = window_refusal(WindowMode::month_before, 0, at("2027-01-05T10:00"), nov30_late);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("2026-12-01"), std::string::npos) << *why;
  EXPECT_FALSE(window_refusal(WindowMode::month_before, 0, at("2027-01-31T16:00"), dec1));
  EXPECT_TRUE(window_refusal(WindowMode::month_before, 0, at("2027-02-01T09:00"), dec1));
  EXPECT_FALSE(window_refusal(WindowMode::month_before, 0, at("2026-12-02T09:00"), nov30_late));
  EXPECT_TRUE(window_refusal(WindowMode::month_before, 0, nov30_late - 60000, nov30_late));
  // Days: window_days after today, to the day's end.
  EXPECT_FALSE(window_refusal(WindowMode::days, 3, at("2026-12-03T16:00"), nov30_late));
  EXPECT_TRUE(window_refusal(WindowMode::days, 3, at("2026-12-04T09:00"), nov30_late));
}

TEST(Rules, PeriodsAndConsecutiveSlots) {
  // 2026-12-02 is a Wednesday: the week is Mon 11/30 .. Sun 12/6.
  auto [wf, wt] = period_range(PeriodUnit::week, ymd(2026, 12, 2));
  EXPECT_EQ(wf, at("2026-11-30T00:00"));
  EXPECT_EQ(wt, at("2026-12-07T00:00"));
  auto [mf, mt] = period_range(PeriodUnit::month, ymd(2026, 12, 31));
  EXPECT_EQ(mf, at("2026-12-01T00:00"));
  EXPECT_EQ(mt, at("2027-01-01T00:00"));
  auto cal = every_day_9_to_17();
  auto three = consecutive_slots(cal, at("2026-12-02T09:00"), 3);
  ASSERT_TRUE(three);
  EXPECT_EQ(three->back(), at("2026-12-02T11:00"));
  // The lunch break (12:00–13:00) and the day's end break a run.
  EXPECT_FALSE(consecutive_slots(cal, at("2026-12-02T10:00"), 3));
  EXPECT_FALSE(consecutive_slots(cal, at("2026-12-02T16:00"), 2));
  EXPECT_FALSE(consecutive_slots(cal, at("2026-12-02T09:30"), 1));
  EXPECT_TRUE(consecutive_slots(cal, at("2026-12-05T11:00"), 3));  // Saturday: no break
}

class LedgerRules : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = testdb::fresh_db(GetParam());
    db_->write([&](store::Tx& tx) {
      tenant_ = tx.insert_id(
          "INSERT INTO tenants(code, name, created_at) VALUES ('t', 'T', 0) RETURNING id");
      for (int i = 0; i < 3; ++i)
        residents_.push_back(tx.insert_id(
            "INSERT INTO residents(tenant_id, channel, external_id, created_at, updated_at) "
            "VALUES (?, 'web', ?, 0, 0) RETURNING id",
            {tenant_, "r" + std::to_string(i)}));
      Resource r;
      r.tenant_id = tenant_;
      r.name = "体育館";
      r.capacity = 1;
      r.calendar = every_day_9_to_17();
      r.window_days = 60;
      r.daily_limit = 0;
      r.period_limit = 2;
      r.period_unit = PeriodUnit::week;
      r.max_slots = 3;
      r.waitlist_hold_minutes = 30;
      r.cancel_lead = {1, LeadUnit::business_days};
      resource_ = insert_resource(tx, r, 0);
    });
  }
  Booking book_as(int resident, const std::string& slot, int slots = 1) {
    BookingRequest req;
    req.tenant_id = tenant_;
    req.resource_id = resource_;
    req.slot_start = at(slot);
    req.resident_id = residents_[resident];
    req.slots = slots;
    return book(*db_, req, clock_.now_ms());
  }
  int64_t booked(const std::string& slot) {
    return db_->read([&](store::Tx& tx) { return booked_party(tx, resource_, at(slot)); });
  }

  std::unique_ptr<store::Db> db_;
  int64_t tenant_ = 0, resource_ = 0;
  std::vector<int64_t> residents_;
  // Monday 2026-11-30 08:00 JST, still while the test runs, moved only by the test.
  struct Fixed final : Clock {
    int64_t now_ms() const override { return *parse_slot("2026-11-30T08:00"); }
  } fixed_;
  SettableClock clock_{fixed_};
};

TEST_P(LedgerRules, LimitsAndMultiSlotAllOrNothing) {
  // Three consecutive slots are one booking; the 11:00 slot is then taken.
  auto b = book_as(0, "2026-12-02T09:00", 3);
  EXPECT_EQ(b.slots, 3);
  EXPECT_EQ(booked("2026-12-02T11:00"), 1);
  // All or nothing: 13:00–15:00 would work, but 10:00 inside the run is full.
  EXPECT_EQ(code_of([&] { book_as(1, "2026-12-02T08:00", 2); }), "invalid");
  book_as(1, "2026-12-02T14:00");
  EXPECT_EQ(code_of([&] { book_as(2, "2026-12-02T13:00", 3); }), "slot_full");
  EXPECT_EQ(booked("2026-12-02T13:00"), 0);  // nothing of the refused run was kept
  EXPECT_EQ(booked("2026-12-02T15:00"), 0);
  EXPECT_EQ(code_of([&] { book_as(2, "2026-12-02T13:00", 4); }), "invalid");  // > max_slots
  // Per week: 2 bookings (the 3-slot one counts once); the third in the week is refused, the
  // next week is a new period.
  book_as(0, "2026-12-03T09:00");
  EXPECT_EQ(code_of([&] { book_as(0, "2026-12-04T09:00"); }), "period_limit");
  book_as(0, "2026-12-07T09:00");
  // Daily limit, once set.
  db_->write([&](store::Tx& tx) {
    auto r = *find_resource(tx, tenant_, resource_);
    r.daily_limit = 1;
    r.period_limit = 0;
    update_resource(tx, r, 0);
  });
  EXPECT_EQ(code_of([&] { book_as(1, "2026-12-02T16:00"); }), "daily_limit");
  // Cancelling a multi-slot booking frees all its slots.
  cancel(*db_, tenant_, b.id, residents_[0], std::nullopt, "", clock_.now_ms());
  EXPECT_EQ(booked("2026-12-02T09:00"), 0);
  EXPECT_EQ(booked("2026-12-02T11:00"), 0);
  // Cancel lead of 1 business day: on Monday, Tuesday's booking can still be cancelled,
  // Monday's not.
  auto tue = book_as(2, "2026-12-01T09:00");
  cancel(*db_, tenant_, tue.id, residents_[2], std::nullopt, "", clock_.now_ms());
  auto mon = book_as(2, "2026-11-30T10:00");
  EXPECT_EQ(code_of([&] {
              cancel(*db_, tenant_, mon.id, residents_[2], std::nullopt, "", clock_.now_ms());
            }),
            "cancel_deadline");
}

TEST_P(LedgerRules, WaitlistOfferAcceptAndExpiryOffersTheNext) {
  auto b = book_as(0, "2026-12-02T09:00");
  // Joining a slot with room is refused: book it instead.
  EXPECT_EQ(code_of([&] {
              join(*db_, tenant_, resource_, at("2026-12-02T10:00"), 1, residents_[1],
                   clock_.now_ms());
            }),
            "not_full");
  auto first =
      join(*db_, tenant_, resource_, at("2026-12-02T09:00"), 1, residents_[1], clock_.now_ms());
  auto second =
      join(*db_, tenant_, resource_, at("2026-12-02T09:00"), 1, residents_[2], clock_.now_ms());
  EXPECT_EQ(code_of([&] {
              join(*db_, tenant_, resource_, at("2026-12-02T09:00"), 1, residents_[2],
                   clock_.now_ms());
            }),
            "already_waiting");
  // The cancellation offers the place to the first; others (even the canceller) see it held.
  cancel(*db_, tenant_, b.id, residents_[0], std::nullopt, "", clock_.now_ms());
  auto e1 = db_->read([&](store::Tx& tx) { return *find_entry(tx, tenant_, first.id); });
  EXPECT_EQ(e1.status, "offered");
  EXPECT_EQ(*e1.expires_at, clock_.now_ms() + 30 * 60000);
  EXPECT_EQ(code_of([&] { book_as(0, "2026-12-02T09:00"); }), "slot_full");
  EXPECT_EQ(code_of([&] { accept(*db_, tenant_, second.id, residents_[2], clock_.now_ms()); }),
            "offer_gone");
  // Nothing expires before its time; at its time the next resident is offered.
  clock_.advance_ms(29 * 60000);
  EXPECT_EQ(expire_due(*db_, clock_.now_ms()), 0);
  clock_.advance_ms(60000);
  EXPECT_EQ(expire_due(*db_, clock_.now_ms()), 1);
  auto e2 = db_->read([&](store::Tx& tx) { return *find_entry(tx, tenant_, second.id); });
  EXPECT_EQ(e2.status, "offered");
  EXPECT_EQ(code_of([&] { accept(*db_, tenant_, first.id, residents_[1], clock_.now_ms()); }),
            "offer_gone");
  auto got = accept(*db_, tenant_, second.id, residents_[2], clock_.now_ms());
  EXPECT_EQ(got.resident_id, residents_[2]);
  EXPECT_EQ(booked("2026-12-02T09:00"), 1);
  e2 = db_->read([&](store::Tx& tx) { return *find_entry(tx, tenant_, second.id); });
  EXPECT_EQ(e2.status, "booked");
  EXPECT_EQ(*e2.booking_id, got.id);
  // The offer and expiry jobs were queued with the changes.
  auto jobs = db_->read([&](store::Tx& tx) {
    return tx.one("SELECT COUNT(*) FROM jobs WHERE kind LIKE 'reservations.waitlist_%'")->i64(0);
  });
  EXPECT_EQ(jobs, 4);
}

INSTANTIATE_TEST_SUITE_P(Backends, LedgerRules, ::testing::ValuesIn(testdb::backends()));

TEST(Rules, SettingsParseKeepAbsentFieldsAndRefuseBadOnes) {
  RuleSettings base;
  base.max_slots = 3;
  base.book_lead = {2, LeadUnit::business_days};
  auto s = parse_rule_settings(Json::parse(R"({"window_mode":"month_before","period_limit":2,
      "period_unit":"week","cancel_lead":{"amount":24}})"),
                               base);
  EXPECT_EQ(s.window_mode, WindowMode::month_before);
  EXPECT_EQ(s.max_slots, 3);  // absent: kept
  EXPECT_EQ(s.book_lead.unit, LeadUnit::business_days);
  EXPECT_EQ(s.cancel_lead.amount, 24);
  EXPECT_EQ(s.cancel_lead.unit, LeadUnit::hours);
  EXPECT_EQ(s.period_unit, PeriodUnit::week);
  EXPECT_EQ(to_json(parse_rule_settings(to_json(s), RuleSettings{})), to_json(s));
  for (const char* bad :
       {R"({"window_mode":"weeks"})", R"({"book_lead":5})", R"({"book_lead":{"amount":-1}})",
        R"({"book_lead":{"amount":1,"unit":"days"}})", R"({"cancel_lead":{}})",
        R"({"max_slots":0})", R"({"max_slots":1.5})", R"({"period_unit":7})",
        R"({"waitlist_hold_minutes":10081})", R"([1])"}) {
    try {
      parse_rule_settings(Json::parse(bad), base);
      ADD_FAILURE() << bad;
    } catch (const ApiError& e) {
      EXPECT_EQ(e.status(), 400) << bad;
    }
  }
}
