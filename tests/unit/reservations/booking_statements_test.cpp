// The booking rush's cost, counted where it does not depend on the machine: transactions and
// statements one first-come booking runs (bench/booking_rush measures the wall figures).
// Capacity stays checked inside the write transaction: the last place goes once.
#include <gtest/gtest.h>

#include "../store/test_db.h"
#include "core/clock.h"
#include "core/errors.h"
#include "reservations/ledger.h"

namespace mg::reservations {
namespace {

// Counts the transactions begun and the statements each ran.
struct Counts {
  int reads = 0, writes = 0;
  std::vector<int> statements;  // per transaction, in order
};

class CountingTx : public store::Tx {
 public:
  CountingTx(std::unique_ptr<store::Tx> tx, int& n) : tx_(std::move(tx)), n_(n) {}
  int64_t exec(std::string_view sql, const store::Params& p) override {
    ++n_;
    return tx_->exec(sql, p);
  }
  std::vector<store::Row> query(std::string_view sql, const store::Params& p) override {
    ++n_;
    return tx_->query(sql, p);
  }
  void each(std::string_view sql, const store::Params& p,
            const std::function<bool(const store::Row&)>& fn) override {
    ++n_;
    tx_->each(sql, p, fn);
  }
  void commit() override { tx_->commit(); }
  store::Backend backend() const override { return tx_->backend(); }

 private:
  std::unique_ptr<store::Tx> tx_;
  int& n_;
};

class CountingDb : public store::Db {
 public:
  CountingDb(store::Db& db, Counts& c) : db_(db), c_(c) {}
  std::unique_ptr<store::Tx> begin(bool write) override {
    (write ? c_.writes : c_.reads)++;
    c_.statements.push_back(0);
    return std::make_unique<CountingTx>(db_.begin(write), c_.statements.back());
  }
  store::Backend backend() const override { return db_.backend(); }
  std::string describe() const override { return db_.describe(); }
  int pool_size() const override { return db_.pool_size(); }
  int pool_in_use() const override { return db_.pool_in_use(); }

 private:
  store::Db& db_;
  Counts& c_;
};

class BookingCost : public ::testing::TestWithParam<std::string> {};

TEST_P(BookingCost, OneReadAndOneShortWritePerBooking) {
  auto db = testdb::fresh_db(GetParam());
  int64_t now = clock::now_ms();
  Resource r;
  r.name = "会議室";
  r.capacity = 2;
  r.daily_limit = 0;
  r.window_days = 30;
  r.calendar.slot_minutes = 60;
  r.calendar.closed_on_holidays = false;
  Json every = Json::object();
  for (const char* d : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"})
    every[d] = Json::array({Json::array({"09:00", "17:00"})});
  r.calendar.weekly = parse_opening_hours(every);
  std::vector<int64_t> residents;
  db->write([&](store::Tx& tx) {
    r.tenant_id = tx.insert_id(
        "INSERT INTO tenants(code, name, created_at) VALUES ('t', 'T', 0) RETURNING id");
    r.id = insert_resource(tx, r, now);
    for (int i = 0; i < 3; ++i)
      residents.push_back(
          tx.insert_id("INSERT INTO residents(tenant_id, channel, external_id, status, created_at, "
                       "updated_at) VALUES (?, 'web', ?, 'active', 0, 0) RETURNING id",
                       {r.tenant_id, "w" + std::to_string(i)}));
  });
  BookingRequest req;
  req.tenant_id = r.tenant_id;
  req.resource_id = r.id;
  Date day{std::chrono::sys_days{jst_date(now)} + std::chrono::days{2}};
  req.slot_start = jst_midnight_ms(day) + 10 * 3600000;

  Counts c;
  CountingDb counting(*db, c);
  req.resident_id = residents[0];
  auto first = book(counting, req, now);
  EXPECT_EQ(first.status, "booked");
  // A slot with room: the read that looks for "full" first, then the booking's transaction.
  ASSERT_EQ(c.reads, 1);
  ASSERT_EQ(c.writes, 1);
  ASSERT_EQ(c.statements.size(), 2u);
  EXPECT_EQ(c.statements[0], 1) << "the full-slot check is one statement";
  // The resource (its row and special days), the slot's places and lottery hold, the
  // booking row, the confirmation job; PostgreSQL adds the slot lock (insert, select).
  int expected = GetParam() == "postgres" ? 7 : 5;
  EXPECT_EQ(c.statements[1], expected) << "statements in the booking's write transaction";

  req.resident_id = residents[1];
  EXPECT_EQ(book(*db, req, now).status, "booked");
  // The last place is gone: the third resident is told so, with other slots.
  req.resident_id = residents[2];
  try {
    book(*db, req, now);
    ADD_FAILURE() << "booked beyond capacity";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 409);
    EXPECT_EQ(e.code(), "slot_full");
    EXPECT_FALSE(e.details().at("next_free").empty());
  }
  db->read([&](store::Tx& tx) { EXPECT_EQ(booked_party(tx, r.id, req.slot_start), 2); });
}

INSTANTIATE_TEST_SUITE_P(Backends, BookingCost, ::testing::ValuesIn(testdb::backends()));

}  // namespace
}  // namespace mg::reservations
