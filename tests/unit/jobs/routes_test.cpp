// /api/jobs lives in jobs, below auth: the admin check and the audit entry are handed in.
// These tests mount the routes with a stand-in guard, so they need no staff or sessions.
#include "jobs/routes.h"

#include <gtest/gtest.h>

#include "../store/test_db.h"
#include "core/errors.h"
#include "jobs/job_store.h"
#include "jobs/queue.h"

namespace mg::jobs {
namespace {

class JobRoutes : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = testdb::fresh_db(GetParam());
    db_->write([&](store::Tx& tx) {
      mine_ = tx.insert_id(
          "INSERT INTO tenants(code, name, created_at) VALUES ('a', 'A', 0) RETURNING id");
      theirs_ = tx.insert_id(
          "INSERT INTO tenants(code, name, created_at) VALUES ('b', 'B', 0) RETURNING id");
      my_dead_ = dead_job(tx, mine_);
      their_dead_ = dead_job(tx, theirs_);
    });
    mount(router_, *db_, [this](http::Request& req) {
      if (req.header("x-admin").value_or("") != "yes")
        throw ApiError(403, "forbidden", "権限がありません");
      return Admin{mine_, [this](store::Tx&, const std::string& action, const std::string& id) {
                     audited_.push_back(action + " " + id);
                   }};
    });
  }

  static int64_t dead_job(store::Tx& tx, int64_t tenant) {
    EnqueueOptions opt;
    opt.tenant_id = tenant;
    int64_t id = enqueue(tx, "test.kind", Json::object(), opt);
    tx.exec("UPDATE jobs SET status = 'dead', attempts = 8, last_error = 'boom' WHERE id = ?",
            {id});
    return id;
  }

  http::Response call(const std::string& method, const std::string& path, bool admin = true) {
    http::Request req;
    req.method = method;
    req.path = path;
    if (admin) req.headers.emplace_back("x-admin", "yes");
    return router_.dispatch(req);
  }

  std::string status_of(int64_t id) {
    return db_->read([&](store::Tx& tx) {
      return tx.one("SELECT status FROM jobs WHERE id = ?", {id})->str(0);
    });
  }

  std::unique_ptr<store::Db> db_;
  http::Router router_;
  int64_t mine_ = 0, theirs_ = 0, my_dead_ = 0, their_dead_ = 0;
  std::vector<std::string> audited_;
};

TEST_P(JobRoutes, ListsOnlyTheAdminsTenantsJobs) {
  auto res = call("GET", "/api/jobs");
  ASSERT_EQ(res.status, 200);
  auto items = Json::parse(res.body)["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["id"], my_dead_);
  EXPECT_EQ(items[0]["status"], "dead");
  EXPECT_EQ(items[0]["last_error"], "boom");
  EXPECT_EQ(items[0]["attempts"], 8);
  db_->read([&](store::Tx& tx) {
    auto counts = count_jobs(tx, mine_);
    EXPECT_EQ(counts.dead, 1);
    EXPECT_EQ(counts.waiting, 0);
  });
}

TEST_P(JobRoutes, RetriesOwnDeadJobAndAuditsIt) {
  auto res = call("POST", "/api/jobs/" + std::to_string(my_dead_) + "/retry");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(Json::parse(res.body)["status"], "pending");
  EXPECT_EQ(status_of(my_dead_), "pending");
  ASSERT_EQ(audited_.size(), 1u);
  EXPECT_EQ(audited_[0], "job.retry " + std::to_string(my_dead_));
  // Not dead any more: a second retry finds nothing.
  try {
    call("POST", "/api/jobs/" + std::to_string(my_dead_) + "/retry");
    ADD_FAILURE() << "retrying a pending job succeeded";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 404);
  }
}

TEST_P(JobRoutes, AnotherTenantsJobOrABadIdIs404AndChangesNothing) {
  for (const std::string& id : {std::to_string(their_dead_), std::string("abc"),
                                std::string("99999999999999999999"), std::string("-1")}) {
    try {
      call("POST", "/api/jobs/" + id + "/retry");
      ADD_FAILURE() << "retry of " << id << " succeeded";
    } catch (const ApiError& e) {
      EXPECT_EQ(e.status(), 404) << id;
    }
  }
  EXPECT_EQ(status_of(their_dead_), "dead");
  EXPECT_TRUE(audited_.empty());
}

TEST_P(JobRoutes, TheGuardDecidesBeforeAnythingIsReadOrChanged) {
  for (auto [method, path] :
       {std::pair{"GET", std::string("/api/jobs")},
        std::pair{"POST", "/api/jobs/" + std::to_string(my_dead_) + "/retry"}}) {
    try {
      call(method, path, false);
      ADD_FAILURE() << path << " answered without the guard";
    } catch (const ApiError& e) {
      EXPECT_EQ(e.status(), 403);
    }
  }
  EXPECT_EQ(status_of(my_dead_), "dead");
  EXPECT_TRUE(audited_.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, JobRoutes, ::testing::ValuesIn(testdb::backends()));

}  // namespace
}  // namespace mg::jobs
