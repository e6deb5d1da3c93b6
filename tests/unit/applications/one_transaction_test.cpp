// A function handed a transaction never opens another: on PostgreSQL a second transaction
// takes a second pooled connection while the first is held (with a pool of one, a deadlock),
// and it reads outside the caller's snapshot. A Db that counts open transactions catches it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../store/test_db.h"
#include "applications/chat.h"
#include "applications/inbox.h"
#include "services/catalog.h"

namespace mg::applications {
namespace {

namespace fs = std::filesystem;

// Forwards to a real database and remembers how many transactions were open at once.
class CountingDb : public store::Db {
 public:
  explicit CountingDb(store::Db& inner) : inner_(inner) {}
  std::unique_ptr<store::Tx> begin(bool write) override {
    auto tx = inner_.begin(write);
    max_open_ = std::max(max_open_, ++open_);
    return std::make_unique<CountedTx>(std::move(tx), open_);
  }
  store::Backend backend() const override { return inner_.backend(); }
  std::string describe() const override { return inner_.describe(); }
  int pool_size() const override { return inner_.pool_size(); }
  int pool_in_use() const override { return inner_.pool_in_use(); }
  int max_open() const { return max_open_; }
  void reset() { max_open_ = open_; }

 private:
  class CountedTx : public store::Tx {
   public:
    CountedTx(std::unique_ptr<store::Tx> tx, int& open) : tx_(std::move(tx)), open_(open) {}
    ~CountedTx() override { --open_; }
    int64_t exec(std::string_view sql, const store::Params& p) override {
      return tx_->exec(sql, p);
    }
    std::vector<store::Row> query(std::string_view sql, const store::Params& p) override {
      return tx_->query(sql, p);
    }
    void each(std::string_view sql, const store::Params& p,
              const std::function<bool(const store::Row&)>& fn) override {
      tx_->each(sql, p, fn);
    }
    void commit() override { tx_->commit(); }
    store::Backend backend() const override { return tx_->backend(); }

   private:
    std::unique_ptr<store::Tx> tx_;
    int& open_;
  };

  store::Db& inner_;
  int open_ = 0, max_open_ = 0;
};

Json definition() {
  return {{"format", "madoguchi.service/1"},
          {"service_key", "mini"},
          {"title", "ミニ"},
          {"department", "市民課"},
          {"steps",
           {{{"id", "name"}, {"kind", "text"}, {"text", "お名前は？"}},
            {{"id", "s"}, {"kind", "submit"}}}}};
}

struct Town {
  int64_t tenant = 0, resident = 0, service = 0;
};

Town seed(store::Db& db) {
  Town t;
  db.write([&](store::Tx& tx) {
    t.tenant = tx.insert_id(
        "INSERT INTO tenants(code, name, created_at) VALUES ('t', 'T', 0) RETURNING id");
    t.resident = tx.insert_id(
        "INSERT INTO residents(tenant_id, channel, external_id, created_at, updated_at) VALUES "
        "(?, 'web', 'device-1', 0, 0) RETURNING id",
        {t.tenant});
  });
  fs::path dir = fs::temp_directory_path() / ("mg_one_tx_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "mini.json") << definition().dump();
  services::Catalog catalog(db);
  EXPECT_EQ(catalog.import_directory(t.tenant, dir.string()), 1);
  t.service = catalog.list(t.tenant).at(0).id;
  return t;
}

class OneTransaction : public ::testing::TestWithParam<std::string> {};

TEST_P(OneTransaction, ChatTurnsReadTheCatalogInTheirOwnTransaction) {
  auto real = testdb::fresh_db(GetParam());
  auto town = seed(*real);
  CountingDb db(*real);
  // A fresh catalogue per step, so no version is cached and each is read from the database.
  std::string session;
  {
    services::Catalog catalog(db);
    ChatService chat(db, catalog, 3600 * 1000);
    db.write([&](store::Tx& tx) {
      session = chat.start(tx, town.tenant, town.resident, town.service).session_id;
    });
    EXPECT_EQ(db.max_open(), 1) << "start(tx) opened a second transaction";
  }
  {
    db.reset();
    services::Catalog catalog(db);
    ChatService chat(db, catalog, 3600 * 1000);
    auto turn = chat.input(town.tenant, town.resident, session,
                           Json{{"type", "text"}, {"text", "魚津 ゆい"}});
    EXPECT_TRUE(turn.done);
    EXPECT_TRUE(turn.receipt_number.has_value());
    EXPECT_EQ(db.max_open(), 1) << "input opened a second transaction";
  }
  {
    db.reset();
    services::Catalog catalog(db);
    ChatService chat(db, catalog, 3600 * 1000);
    db.read([&](store::Tx& tx) { chat.resume(tx, town.tenant, town.resident, session); });
    EXPECT_EQ(db.max_open(), 1) << "resume(tx) of a submitted session opened a second transaction";
  }
  {
    db.reset();
    services::Catalog catalog(db);
    ChatService chat(db, catalog, 3600 * 1000);
    Inbox inbox(db, chat);
    auth::Principal admin;
    admin.staff_id = 0;
    admin.tenant_id = town.tenant;
    admin.role = auth::Role::admin;
    int64_t application = db.read([&](store::Tx& tx) {
      return tx.one("SELECT id FROM applications WHERE tenant_id = ?", {town.tenant})->i64(0);
    });
    db.reset();
    inbox.request_correction(admin, application, {"name"}, "お名前の漢字をご確認ください");
    EXPECT_EQ(db.max_open(), 1) << "a correction request opened a second transaction";
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, OneTransaction, ::testing::ValuesIn(testdb::backends()));

}  // namespace
}  // namespace mg::applications
