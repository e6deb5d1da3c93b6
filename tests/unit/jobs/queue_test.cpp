#include "jobs/queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "../store/test_db.h"
#include "core/clock.h"

using namespace mg;

class QueueTest : public ::testing::TestWithParam<std::string> {
 protected:
  // The runners' time; moving it moves no other test's clock.
  SettableClock clock_;
};

TEST_P(QueueTest, JobCommittedWithTheChangeRunsOnce) {
  auto db = testdb::fresh_db(GetParam());
  jobs::Runner runner(*db, 1);
  std::atomic<int> ran{0};
  runner.handle("hello", [&](const jobs::Job& j) {
    EXPECT_EQ(j.payload["n"], 7);
    ran++;
  });
  db->write([](store::Tx& tx) { jobs::enqueue(tx, "hello", {{"n", 7}}); });
  // A job enqueued in a rolled-back transaction never exists.
  EXPECT_ANY_THROW(db->write([](store::Tx& tx) {
    jobs::enqueue(tx, "hello", {{"n", 8}});
    throw std::runtime_error("rollback");
  }));
  EXPECT_EQ(runner.drain(), 1);
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(runner.drain(), 0);
  EXPECT_EQ(jobs::stats(*db).done, 1);
}

TEST_P(QueueTest, FailuresBackOffThenGoDead) {
  auto db = testdb::fresh_db(GetParam());
  jobs::Runner runner(*db, 1, 500, clock_);
  int attempts = 0;
  runner.handle("flaky", [&](const jobs::Job&) {
    attempts++;
    throw std::runtime_error("LINE answered 500");
  });
  db->write([](store::Tx& tx) {
    jobs::EnqueueOptions o;
    o.max_attempts = 3;
    jobs::enqueue(tx, "flaky", Json::object(), o);
  });
  // The failure happens after `before`, and the first backoff is at least 1 s from it (a
  // bound that holds however slow the machine is between the drain and the check).
  int64_t before = clock_.now_ms();
  EXPECT_EQ(runner.drain(), 1);
  EXPECT_EQ(runner.drain(), 0) << "the retry waits for its backoff";
  auto run_at = db->read([](store::Tx& tx) { return tx.one("SELECT run_at FROM jobs")->i64(0); });
  EXPECT_GE(run_at, before + 1000);
  for (int64_t hours = 2; hours <= 6; hours += 2) {
    clock_.set_offset_ms(hours * 3600 * 1000);  // past any backoff (capped at 1 h)
    runner.drain();
  }
  EXPECT_EQ(attempts, 3);
  auto s = jobs::stats(*db);
  EXPECT_EQ(s.dead, 1);
  auto err = db->read([](store::Tx& tx) { return tx.one("SELECT last_error FROM jobs")->str(0); });
  EXPECT_EQ(err, "LINE answered 500");
}

TEST_P(QueueTest, PermanentFailureGoesDeadAtOnce) {
  auto db = testdb::fresh_db(GetParam());
  jobs::Runner runner(*db, 1);
  runner.handle("bad", [](const jobs::Job&) { throw jobs::PermanentFailure("400 invalid"); });
  db->write([](store::Tx& tx) { jobs::enqueue(tx, "bad", Json::object()); });
  db->write([](store::Tx& tx) { jobs::enqueue(tx, "unknown-kind", Json::object()); });
  runner.drain();
  EXPECT_EQ(jobs::stats(*db).dead, 2);
}

TEST_P(QueueTest, SameQueueKeyRunsInOrderOneAtATime) {
  auto db = testdb::fresh_db(GetParam());
  jobs::Runner runner(*db, 4, 20);
  std::mutex mu;
  std::vector<int> order_a;
  std::atomic<int> in_a{0}, overlap{0};
  runner.handle("ev", [&](const jobs::Job& j) {
    if (j.payload["q"] == "a") {
      if (in_a.fetch_add(1) > 0) overlap++;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      std::lock_guard lock(mu);
      order_a.push_back(j.payload["i"]);
      in_a--;
    }
  });
  db->write([](store::Tx& tx) {
    for (int i = 0; i < 20; ++i) {
      jobs::EnqueueOptions o;
      o.queue_key = i % 2 ? "b" : "a";
      jobs::enqueue(tx, "ev", {{"q", *o.queue_key}, {"i", i}}, o);
    }
  });
  runner.start();
  for (int i = 0; i < 500 && jobs::stats(*db).done < 20; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  runner.stop();
  EXPECT_EQ(jobs::stats(*db).done, 20);
  EXPECT_EQ(overlap, 0);
  std::vector<int> expected;
  for (int i = 0; i < 20; i += 2) expected.push_back(i);
  EXPECT_EQ(order_a, expected);
}

TEST_P(QueueTest, SeveralRunnersShareTheQueueWithoutRunningAJobTwice) {
  auto url = testdb::fresh_url(GetParam());
  auto db1 = store::open(url, 4);
  store::migrate(*db1);
  auto db2 = store::open(url, 4);  // a second "process" on the same database
  std::mutex mu;
  std::multiset<int64_t> seen;
  auto handler = [&](const jobs::Job& j) {
    std::lock_guard lock(mu);
    seen.insert(j.id);
  };
  jobs::Runner r1(*db1, 2, 10), r2(*db2, 2, 10);
  r1.handle("x", handler);
  r2.handle("x", handler);
  db1->write([](store::Tx& tx) {
    for (int i = 0; i < 200; ++i) jobs::enqueue(tx, "x", {{"i", i}});
  });
  r1.start();
  r2.start();
  for (int i = 0; i < 500 && jobs::stats(*db1).done < 200; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  r1.stop();
  r2.stop();
  EXPECT_EQ(seen.size(), 200u);
  std::set<int64_t> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), 200u) << "a job ran twice";
}

TEST_P(QueueTest, RecurringScheduleEnqueuesOncePerTick) {
  auto db = testdb::fresh_db(GetParam());
  jobs::Runner a(*db, 1, 500, clock_), b(*db, 1, 500, clock_);
  int ran = 0;
  a.handle("tick", [&](const jobs::Job&) { ran++; });
  b.handle("tick", [&](const jobs::Job&) { ran++; });
  a.every("garbage-reminder", "tick", Json::object(), 60000);
  b.every("garbage-reminder", "tick", Json::object(), 60000);
  EXPECT_EQ(a.drain() + b.drain(), 0);
  clock_.set_offset_ms(61000);
  EXPECT_EQ(a.drain() + b.drain(), 1);
  EXPECT_EQ(ran, 1);
}

// Time is the runner's own: moving a test clock makes jobs due for that runner only, not
// for a runner on the process's clock.
TEST_P(QueueTest, EachRunnerFollowsItsClock) {
  auto db = testdb::fresh_db(GetParam());
  db->write([](store::Tx& tx) {
    jobs::EnqueueOptions o;
    o.run_at_ms = clock::now_ms() + 3600 * 1000;
    jobs::enqueue(tx, "later", Json::object(), o);
  });
  int ran = 0;
  jobs::Runner on_system(*db, 1), on_test(*db, 1, 500, clock_);
  on_system.handle("later", [&](const jobs::Job&) { ran++; });
  on_test.handle("later", [&](const jobs::Job&) { ran++; });
  clock_.advance_ms(2 * 3600 * 1000);
  EXPECT_EQ(on_system.drain(), 0) << "the process's clock did not move";
  EXPECT_EQ(on_test.drain(), 1);
  EXPECT_EQ(ran, 1);
}

TEST_P(QueueTest, ExpiredLeaseIsClaimedAgain) {
  auto db = testdb::fresh_db(GetParam());
  db->write([](store::Tx& tx) {
    jobs::enqueue(tx, "x", Json::object());
    // A worker that died mid-job: running, lease in the past.
    tx.exec("UPDATE jobs SET status = 'running', lease_until = 1, attempts = 1");
  });
  jobs::Runner runner(*db, 1);
  int ran = 0;
  runner.handle("x", [&](const jobs::Job& j) {
    ran++;
    EXPECT_EQ(j.attempts, 2);
  });
  EXPECT_EQ(runner.drain(), 1);
  EXPECT_EQ(ran, 1);
}

TEST_P(QueueTest, OutcomeOfAJobTakenOverMeanwhileIsNotRecorded) {
  auto db = testdb::fresh_db(GetParam());
  db->write([](store::Tx& tx) { jobs::enqueue(tx, "x", Json::object()); });
  jobs::Runner runner(*db, 1);
  runner.handle("x", [&](const jobs::Job& j) {
    // This process stalled past its lease; another one claimed the job (attempts + 1).
    db->write([&](store::Tx& tx) {
      tx.exec("UPDATE jobs SET attempts = attempts + 1, lease_until = ? WHERE id = ?",
              {clock::now_ms() + 60000, j.id});
    });
    throw std::runtime_error("late failure of the stalled holder");
  });
  EXPECT_EQ(runner.drain(), 1);
  auto row = db->read(
      [](store::Tx& tx) { return tx.one("SELECT status, attempts, last_error FROM jobs"); });
  ASSERT_TRUE(row);
  EXPECT_EQ(row->str(0), "running") << "the new holder's claim stands";
  EXPECT_EQ(row->i64(1), 2);
  EXPECT_EQ(row->str(2), "");
}

INSTANTIATE_TEST_SUITE_P(Backends, QueueTest, ::testing::ValuesIn(testdb::backends()));
