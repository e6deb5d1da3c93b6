// The dashboard's counters (migration 42) are kept by triggers, so any write to applications
// or residents, from any code and from several connections at once, leaves them equal to a
// fresh COUNT(*) of the rows.
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <random>
#include <thread>
#include <tuple>

#include "test_db.h"

using namespace mg;

namespace {

class CountTriggersTest : public ::testing::TestWithParam<std::string> {};

using Key = std::tuple<int64_t, std::string, std::string>;

std::map<Key, int64_t> counters(store::Db& db) {
  return db.read([](store::Tx& tx) {
    std::map<Key, int64_t> m;
    for (const auto& r : tx.query(
             "SELECT tenant_id, department, status, n FROM application_status_counts WHERE n <> 0"))
      m[{r.i64(0), r.str(1), r.str(2)}] = r.i64(3);
    return m;
  });
}

std::map<Key, int64_t> fresh_counts(store::Db& db) {
  return db.read([](store::Tx& tx) {
    std::map<Key, int64_t> m;
    for (const auto& r : tx.query("SELECT tenant_id, department, status, COUNT(*) FROM "
                                  "applications GROUP BY tenant_id, department, status"))
      m[{r.i64(0), r.str(1), r.str(2)}] = r.i64(3);
    return m;
  });
}

std::map<int64_t, int64_t> resident_counters(store::Db& db) {
  return db.read([](store::Tx& tx) {
    std::map<int64_t, int64_t> m;
    for (const auto& r : tx.query("SELECT tenant_id, n FROM resident_counts WHERE n <> 0"))
      m[r.i64(0)] = r.i64(1);
    return m;
  });
}

std::map<int64_t, int64_t> fresh_resident_counts(store::Db& db) {
  return db.read([](store::Tx& tx) {
    std::map<int64_t, int64_t> m;
    for (const auto& r : tx.query("SELECT tenant_id, COUNT(*) FROM residents GROUP BY tenant_id"))
      m[r.i64(0)] = r.i64(1);
    return m;
  });
}

// Two tenants with one resident, service and version each; returns {tenant, resident,
// service, version} per tenant.
std::vector<std::array<int64_t, 4>> seed(store::Db& db) {
  return db.write([](store::Tx& tx) {
    std::vector<std::array<int64_t, 4>> out;
    for (int t = 0; t < 2; ++t) {
      std::string code = "t" + std::to_string(t);
      int64_t tenant =
          tx.insert_id("INSERT INTO tenants(code, name, created_at) VALUES (?, ?, 0) RETURNING id",
                       {code, code});
      int64_t resident = tx.insert_id(
          "INSERT INTO residents(tenant_id, channel, external_id, created_at, updated_at) VALUES "
          "(?, 'web', 'seed', 0, 0) RETURNING id",
          {tenant});
      int64_t service = tx.insert_id(
          "INSERT INTO services(tenant_id, service_key, title, draft, draft_updated_at, "
          "created_at) VALUES (?, 's', 's', '{}', 0, 0) RETURNING id",
          {tenant});
      int64_t version = tx.insert_id(
          "INSERT INTO service_versions(tenant_id, service_id, version, definition, "
          "published_at) VALUES (?, ?, 1, '{}', 0) RETURNING id",
          {tenant, service});
      out.push_back({tenant, resident, service, version});
    }
    return out;
  });
}

int64_t add_application(store::Tx& tx, const std::array<int64_t, 4>& t, const std::string& dept,
                        const std::string& status, int64_t serial) {
  int64_t session = tx.insert_id(
      "INSERT INTO chat_sessions(public_id, tenant_id, resident_id, service_id, version_id, "
      "state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, '{}', 0, 0) RETURNING id",
      {"p" + std::to_string(serial), t[0], t[1], t[2], t[3]});
  return tx.insert_id(
      "INSERT INTO applications(tenant_id, receipt_number, service_id, version_id, session_id, "
      "resident_id, channel, department, status, answers, submitted_at, updated_at) VALUES (?, ?, "
      "?, ?, ?, ?, 'web', ?, ?, '{}', 0, 0) RETURNING id",
      {t[0], "R" + std::to_string(serial), t[2], t[3], session, t[1], dept, status});
}

}  // namespace

TEST_P(CountTriggersTest, EveryKindOfWriteKeepsTheCountersEqualToTheRows) {
  auto db = testdb::fresh_db(GetParam());
  auto tenants = seed(*db);
  // Every kind of write, in one transaction each: insert, status change, department change,
  // a change of another column (no counter moves), an update that sets the same status,
  // a delete, and a rolled-back insert (its counter change must roll back with it).
  int64_t a = 0, b = 0;
  db->write([&](store::Tx& tx) {
    a = add_application(tx, tenants[0], "市民課", "new", 1);
    b = add_application(tx, tenants[0], "市民課", "new", 2);
    add_application(tx, tenants[1], "", "new", 3);
  });
  db->write([&](store::Tx& tx) {
    tx.exec("UPDATE applications SET status = 'in_progress' WHERE id = ?", {a});
    tx.exec("UPDATE applications SET department = '税務課' WHERE id = ?", {b});
    tx.exec("UPDATE applications SET memo = 'x' WHERE id = ?", {b});
    tx.exec("UPDATE applications SET status = status WHERE id = ?", {b});
  });
  EXPECT_THROW(db->write([&](store::Tx& tx) {
    add_application(tx, tenants[1], "", "new", 4);
    throw std::runtime_error("rolled back");
  }),
               std::runtime_error);
  std::map<Key, int64_t> want{{{tenants[0][0], "市民課", "in_progress"}, 1},
                              {{tenants[0][0], "税務課", "new"}, 1},
                              {{tenants[1][0], "", "new"}, 1}};
  EXPECT_EQ(counters(*db), want);
  db->write([&](store::Tx& tx) { tx.exec("DELETE FROM applications WHERE id = ?", {a}); });
  want.erase({tenants[0][0], "市民課", "in_progress"});
  EXPECT_EQ(counters(*db), want);
  EXPECT_EQ(counters(*db), fresh_counts(*db));

  // Residents: inserts and deletes per tenant.
  db->write([&](store::Tx& tx) {
    tx.exec(
        "INSERT INTO residents(tenant_id, channel, external_id, created_at, updated_at) VALUES "
        "(?, 'line', 'U1', 0, 0)",
        {tenants[1][0]});
    tx.exec(
        "INSERT INTO residents(tenant_id, channel, external_id, created_at, updated_at) VALUES "
        "(?, 'line', 'U2', 0, 0)",
        {tenants[1][0]});
    tx.exec("DELETE FROM residents WHERE tenant_id = ? AND external_id = 'U1'", {tenants[1][0]});
  });
  EXPECT_EQ(resident_counters(*db),
            (std::map<int64_t, int64_t>{{tenants[0][0], 1}, {tenants[1][0], 2}}));
  EXPECT_EQ(resident_counters(*db), fresh_resident_counts(*db));
}

// Writers on several connections at once (real concurrency on PostgreSQL; SQLite serialises
// them): inserts, moves between statuses in both directions (the pattern that could deadlock
// if the counter rows were locked in different orders), department changes and deletes.
TEST_P(CountTriggersTest, ConcurrentWritersLeaveNoDrift) {
  auto db = testdb::fresh_db(GetParam());
  auto tenants = seed(*db);
  const char* statuses[] = {"new", "in_progress", "done", "rejected"};
  const char* departments[] = {"市民課", "税務課"};
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      std::mt19937 rng(w);
      std::vector<int64_t> mine;
      for (int i = 0; i < 60; ++i) {
        auto& t = tenants[(w + i) % 2];
        db->write([&](store::Tx& tx) {
          int op = mine.empty() ? 0 : static_cast<int>(rng() % 5);
          if (op == 0) {
            mine.push_back(
                add_application(tx, t, departments[rng() % 2], "new", int64_t{w} * 1000 + i + 100));
          } else if (op == 4) {
            tx.exec("DELETE FROM applications WHERE id = ?", {mine.back()});
          } else if (op == 3) {
            tx.exec("UPDATE applications SET department = ? WHERE id = ?",
                    {std::string(departments[rng() % 2]), mine[rng() % mine.size()]});
          } else {
            // Several applications in one transaction, each to a random status.
            for (int k = 0; k < 3; ++k)
              tx.exec("UPDATE applications SET status = ? WHERE id = ?",
                      {std::string(statuses[rng() % 4]), mine[rng() % mine.size()]});
          }
        });
        // A deleted id stays out of later updates (they would update nothing: harmless).
        if (!mine.empty() && db->read([&](store::Tx& tx) {
              return !tx.one("SELECT 1 FROM applications WHERE id = ?", {mine.back()});
            }))
          mine.pop_back();
      }
    });
  }
  for (auto& th : threads) th.join();
  auto fresh = fresh_counts(*db);
  EXPECT_FALSE(fresh.empty());
  EXPECT_EQ(counters(*db), fresh);
}

INSTANTIATE_TEST_SUITE_P(Backends, CountTriggersTest, ::testing::ValuesIn(testdb::backends()));
