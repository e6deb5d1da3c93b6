// The residents store and service over a real database (SQLite; PostgreSQL too when
// MG_PG_ADMIN_URL is set): identities, definitions, values, tenants kept apart, and the
// one-time carry-over of the old residents.attributes JSON.
#include "residents/store.h"

#include <gtest/gtest.h>

#include "../store/test_db.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "residents/service.h"

using namespace mg;
using namespace mg::residents;

namespace {

class ResidentsStore : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = testdb::fresh_db(GetParam());
    db_->write([&](store::Tx& tx) {
      a_ = tx.insert_id(
          "INSERT INTO tenants(code, name, created_at) VALUES ('a', 'A', 0) RETURNING id");
      b_ = tx.insert_id(
          "INSERT INTO tenants(code, name, created_at) VALUES ('b', 'B', 0) RETURNING id");
    });
  }
  AttributeDefinition district(int64_t tenant) {
    return db_->write([&](store::Tx& tx) {
      return create_definition(tx, tenant,
                               definition_from_json({{"key", "district"},
                                                     {"label", "地区"},
                                                     {"type", "choice"},
                                                     {"multiple", true},
                                                     {"options",
                                                      {{{"value", "kita"}, {"label", "北"}},
                                                       {{"value", "minami"}, {"label", "南"}}}}}));
    });
  }
  template <typename F>
  int status_of(F fn) {
    try {
      db_->write([&](store::Tx& tx) { fn(tx); });
    } catch (const ApiError& e) {
      return e.status();
    }
    return 200;
  }
  std::unique_ptr<store::Db> db_;
  int64_t a_ = 0, b_ = 0;
};

TEST_P(ResidentsStore, IdentitiesFindCreateAndLink) {
  db_->write([&](store::Tx& tx) {
    auto r = find_or_create(tx, a_, "line", "U1");
    EXPECT_EQ(find_or_create(tx, a_, "line", "U1").id, r.id);
    EXPECT_EQ(r.channel, "line");
    auto ids = identities_of(tx, a_, r.id);
    ASSERT_EQ(ids.size(), 1u) << "find_or_create writes resident_identities";
    EXPECT_EQ(ids[0].external_id, "U1");
    // Another identity reaches the same resident.
    EXPECT_TRUE(link_identity(tx, a_, r.id, "web", "device-hash"));
    EXPECT_FALSE(link_identity(tx, a_, r.id, "web", "device-hash"));
    EXPECT_EQ(find(tx, a_, "web", "device-hash")->id, r.id);
    EXPECT_TRUE(issued(tx, "web", "device-hash"));
    // Tenant B sees none of it and cannot link to A's resident.
    EXPECT_FALSE(find(tx, b_, "line", "U1"));
    EXPECT_FALSE(by_id(tx, b_, r.id));
    EXPECT_FALSE(link_identity(tx, b_, r.id, "line", "U2"));
    EXPECT_TRUE(identities_on(tx, b_, "line").empty());
    EXPECT_EQ(identities_on(tx, a_, "line").size(), 1u);
    EXPECT_EQ(count(tx, a_), 1);
    EXPECT_EQ(count(tx, b_), 0);
  });
}

TEST_P(ResidentsStore, DefinitionsCrudWithRules) {
  auto d = district(a_);
  EXPECT_GT(d.id, 0);
  EXPECT_EQ(status_of([&](store::Tx& tx) { create_definition(tx, a_, d); }), 409);
  EXPECT_EQ(district(b_).key, "district") << "the same key in another tenant";
  // B cannot see, change or delete A's definition.
  EXPECT_EQ(status_of([&](store::Tx& tx) { change_definition(tx, b_, d.id, d); }), 404);
  EXPECT_EQ(status_of([&](store::Tx& tx) { remove_definition(tx, b_, d.id); }), 404);
  auto changed = d;
  changed.label = "地域";
  changed.options.push_back({"higashi", "東"});
  db_->write([&](store::Tx& tx) { change_definition(tx, a_, d.id, changed); });
  auto read = db_->read([&](store::Tx& tx) { return *definition_by_id(tx, a_, d.id); });
  EXPECT_EQ(read.label, "地域");
  EXPECT_EQ(read.options.size(), 3u);
  auto rekeyed = changed;
  rekeyed.key = "area";
  EXPECT_EQ(status_of([&](store::Tx& tx) { change_definition(tx, a_, d.id, rekeyed); }), 400);
  auto retyped = changed;
  retyped.type = AttributeType::tag;
  retyped.options.clear();
  EXPECT_EQ(status_of([&](store::Tx& tx) { change_definition(tx, a_, d.id, retyped); }), 400);

  // A resident with two districts: multiple cannot be switched off, an option in use stays.
  int64_t rid = db_->write([&](store::Tx& tx) { return find_or_create(tx, a_, "web", "w1").id; });
  db_->write([&](store::Tx& tx) {
    set_resident_attributes(tx, a_, rid, {{"values", {{"district", {"kita", "higashi"}}}}});
  });
  auto single = changed;
  single.multiple = false;
  EXPECT_EQ(status_of([&](store::Tx& tx) { change_definition(tx, a_, d.id, single); }), 409);
  auto fewer = changed;
  fewer.options.pop_back();  // higashi, in use
  EXPECT_EQ(status_of([&](store::Tx& tx) { change_definition(tx, a_, d.id, fewer); }), 409);

  // Deleting the definition removes its values.
  db_->write([&](store::Tx& tx) { remove_definition(tx, a_, d.id); });
  db_->read([&](store::Tx& tx) {
    EXPECT_FALSE(definition_by_id(tx, a_, d.id));
    EXPECT_TRUE(values_of(tx, a_, rid).empty());
    EXPECT_EQ(list_definitions(tx, b_).size(), 1u);
  });
}

TEST_P(ResidentsStore, ValuesReplacedPerKeyAndKeptPerTenant) {
  district(a_);
  int64_t rid = db_->write([&](store::Tx& tx) { return find_or_create(tx, a_, "line", "U1").id; });
  db_->write([&](store::Tx& tx) {
    set_resident_attributes(tx, a_, rid, {{"values", {{"district", {"kita", "minami"}}}}});
  });
  Json got = db_->read([&](store::Tx& tx) { return resident_attributes(tx, a_, rid); });
  EXPECT_EQ(got["values"]["district"], Json::array({"kita", "minami"}));
  db_->write([&](store::Tx& tx) {
    set_resident_attributes(tx, a_, rid, {{"values", {{"district", {"minami"}}}}});
  });
  got = db_->read([&](store::Tx& tx) { return resident_attributes(tx, a_, rid); });
  EXPECT_EQ(got["values"]["district"], Json::array({"minami"}));
  // A bad value changes nothing; unknown keys and other tenants' residents are refused.
  EXPECT_EQ(status_of([&](store::Tx& tx) {
              set_resident_attributes(tx, a_, rid, {{"values", {{"district", {"nishi"}}}}});
            }),
            400);
  EXPECT_EQ(status_of([&](store::Tx& tx) {
              set_resident_attributes(tx, a_, rid, {{"values", {{"nope", "x"}}}});
            }),
            400);
  district(b_);
  EXPECT_EQ(status_of([&](store::Tx& tx) {
              set_resident_attributes(tx, b_, rid, {{"values", {{"district", {"kita"}}}}});
            }),
            404);
  EXPECT_EQ(status_of([&](store::Tx& tx) { resident_attributes(tx, b_, rid); }), 404);
  db_->write([&](store::Tx& tx) {
    set_resident_attributes(tx, a_, rid, {{"values", {{"district", nullptr}}}});
  });
  got = db_->read([&](store::Tx& tx) { return resident_attributes(tx, a_, rid); });
  EXPECT_TRUE(got["values"].empty()) << got.dump();
}

TEST_P(ResidentsStore, IdentitiesWithAnAttribute) {
  db_->write([&](store::Tx& tx) {
    auto r1 = find_or_create(tx, a_, "line", "U1");
    auto r2 = find_or_create(tx, a_, "line", "U2");
    auto r3 = find_or_create(tx, a_, "web", "W3");
    auto rb = find_or_create(tx, b_, "line", "UB");
    for (auto [t, r, s] : {std::tuple{a_, r1.id, "resident"},
                           {a_, r2.id, "non_resident"},
                           {a_, r3.id, "resident"},
                           {b_, rb.id, "resident"}}) {
      AttributeValue v;
      v.key = "segment";
      v.text = s;
      replace_values(tx, t, r, "segment", {v});
    }
    auto in = identities_with_text(tx, a_, "line", "segment", "resident");
    ASSERT_EQ(in.size(), 1u);
    EXPECT_EQ(in[0].external_id, "U1");
    auto keyed = identities_with_key(tx, a_, "line", "segment");
    ASSERT_EQ(keyed.size(), 2u);
    EXPECT_EQ(keyed[1].second, "non_resident");
  });
}

TEST_P(ResidentsStore, CarriesTheOldJsonColumnOverOnce) {
  int64_t r1 = 0, r2 = 0, r3 = 0;
  db_->write([&](store::Tx& tx) {
    r1 = find_or_create(tx, a_, "line", "U1").id;
    r2 = find_or_create(tx, b_, "line", "U2").id;
    r3 = find_or_create(tx, a_, "line", "U3").id;
    tx.exec("UPDATE residents SET attributes = ? WHERE id = ?",
            {R"({"segment":"resident","line_rich_menu":"villagers"})", r1});
    tx.exec("UPDATE residents SET attributes = ? WHERE id = ?",
            {R"({"segment":"non_resident","odd key":"x","n":3})", r2});
    tx.exec("UPDATE residents SET attributes = ? WHERE id = ?", {"not json", r3});
  });
  EXPECT_EQ(carry_over_json_attributes(*db_), 3);
  auto check = [&] {
    db_->read([&](store::Tx& tx) {
      auto v1 = values_of(tx, a_, r1);
      ASSERT_EQ(v1.size(), 2u);
      EXPECT_EQ(v1[0].key, "line_rich_menu");
      EXPECT_EQ(v1[0].text, "villagers");
      EXPECT_EQ(v1[1].text, "resident");
      auto v2 = values_of(tx, b_, r2);
      ASSERT_EQ(v2.size(), 1u);
      EXPECT_EQ(v2[0].text, "non_resident");
      EXPECT_TRUE(values_of(tx, a_, r3).empty());
      EXPECT_EQ(tx.one("SELECT attributes FROM residents WHERE id = ?", {r1})->str(0), "{}");
      // What has no place in resident_attributes stays in the column.
      EXPECT_EQ(
          parse_stored_json(tx.one("SELECT attributes FROM residents WHERE id = ?", {r2})->str(0)),
          Json({{"n", 3}, {"odd key", "x"}}));
    });
  };
  check();
  // Again (every start): nothing new, nothing doubled.
  carry_over_json_attributes(*db_);
  check();
}

// issued() asks across tenants for every web request with a device cookie: it must use an
// index (migration 21), not scan every tenant's identities.
TEST_P(ResidentsStore, IssuedUsesAnIndex) {
  if (GetParam() != "sqlite") GTEST_SKIP() << "the plan is checked on SQLite";
  db_->read([&](store::Tx& tx) {
    std::string plan;
    for (const auto& r :
         tx.query("EXPLAIN QUERY PLAN SELECT 1 FROM resident_identities WHERE channel = ? AND "
                  "external_id = ? LIMIT 1",
                  {std::string("web"), std::string("x")}))
      plan += r.str(r.size() - 1) + "\n";
    EXPECT_NE(plan.find("resident_identities_external"), std::string::npos) << plan;
  });
}

// One resident's values are read and replaced by (tenant, resident, key). Without statistics
// SQLite used to pick the (tenant, key, number) index and read every resident's rows of the
// key, which made the start-up carry-over of 50,000 LINE friends take many minutes.
TEST_P(ResidentsStore, OneResidentsValuesUseTheOwnerIndex) {
  if (GetParam() != "sqlite") GTEST_SKIP() << "the plan is checked on SQLite";
  db_->read([&](store::Tx& tx) {
    for (const char* sql :
         {"EXPLAIN QUERY PLAN DELETE FROM resident_attributes WHERE tenant_id = ? AND "
          "resident_id = ? AND attr_key = ?",
          "EXPLAIN QUERY PLAN SELECT 1 FROM resident_attributes WHERE tenant_id = ? AND "
          "resident_id = ? AND attr_key = ?"}) {
      std::string plan;
      for (const auto& r : tx.query(sql, {int64_t{1}, int64_t{2}, std::string("segment")}))
        plan += r.str(r.size() - 1) + "\n";
      EXPECT_NE(plan.find("resident_attributes_owner"), std::string::npos) << sql << "\n" << plan;
    }
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, ResidentsStore, ::testing::ValuesIn(testdb::backends()));

}  // namespace
