// Two rules over every SQL statement written in src/ (read from the source tree at test time):
//  1. A statement on a tenant-owned table (one with a tenant_id column in the migrations)
//     names tenant_id in a condition, or in its column list for an INSERT.
//  2. A capability's code queries only the tables its folder owns (kOwners below); another
//     capability's data is reached through that capability's functions.
// Exceptions are listed below with the reason; an exception that no longer matches anything
// fails the test too, so the lists only shrink.
#include <gtest/gtest.h>

#include <filesystem>

#include "sql_lint.h"

using namespace mg::sql_lint;
namespace fs = std::filesystem;

namespace {

// Which folder of src/ owns each table. Every table in the migrations must appear here.
const std::map<std::string, std::vector<std::string>> kOwners = {
    {"store", {"schema_migrations"}},
    {"jobs", {"jobs", "schedules"}},
    {"auth",
     {"tenants", "departments", "staff", "staff_sessions", "staff_departments", "audit_log",
      "login_throttle", "idempotency_keys"}},
    {"residents",
     {"residents", "resident_identities", "attribute_definitions", "resident_attributes",
      "resident_segments", "resident_blocks", "resident_counts"}},
    {"services", {"services", "service_versions", "service_flow_tests"}},
    {"applications",
     {"chat_sessions", "applications", "application_events", "corrections", "attachments",
      "ratings", "lookup_rows", "lookup_lists", "lookup_failures", "upload_quotas",
      "application_status_counts"}},
    {"postal", {"postal_codes"}},
    {"channels/line",
     {"line_channels", "line_events", "line_outbox", "line_rich_menus", "line_campaign_priority",
      "rich_menu_segment_rules"}},
    {"messaging", {"resident_messages"}},
    {"delivery",
     {"campaigns", "delivery_settings", "campaign_timings", "campaign_occurrences",
      "campaign_approvals", "garbage_reminders_sent", "emergency_tokens", "emergency_sends",
      "campaign_links", "link_clicks", "campaign_audience"}},
    {"garbage",
     {"garbage_imports", "garbage_categories", "garbage_areas", "garbage_closures",
      "garbage_remarks", "garbage_items"}},
    {"reservations",
     {"resource_categories", "resources", "resource_special_days", "reservation_slot_locks",
      "bookings", "waitlist_entries", "lottery_rounds", "lottery_round_slots",
      "lottery_applications", "lottery_wins", "booking_messages"}},
    {"faq",
     {"faq_entries", "faq_synonyms", "faq_questions", "faq_passages", "faq_generative",
      "faq_generations"}},
    {"handoff",
     {"handoff_conversations", "handoff_messages", "handoff_hours", "handoff_bot_memory"}},
};

// A statement in `file` whose text contains `fragment` may skip rule 1, for `reason`.
struct TenantException {
  std::string file, fragment, reason;
};
const std::vector<TenantException> kTenantExceptions = {
    {"jobs/queue.cpp", "FROM jobs", "the job queue serves every tenant; jobs carry their tenant"},
    {"jobs/queue.cpp", "UPDATE jobs", "the job queue serves every tenant; by a claimed job's id"},
    {"channels/line/dispatcher.cpp", "line_outbox",
     "the outbox dispatcher serves every tenant; by the id of a row it scanned or claimed"},
    {"channels/line/event_processor.cpp", "FROM line_events WHERE status = 'pending'",
     "the event processor finds pending events of every tenant"},
    {"channels/line/event_processor.cpp", "line_events SET status",
     "by the id of an event read with its tenant"},
    {"channels/line/event_processor.cpp", "SELECT status FROM line_events WHERE id = ?",
     "by the id of an event read with its tenant"},
    {"channels/line/channel_settings.cpp", "FROM line_channels WHERE (channel_secret",
     "resealing secrets under a new key covers every tenant"},
    {"applications/attachments.cpp", "DELETE FROM attachments WHERE claimed_at IS NULL",
     "the purge of unclaimed uploads covers every tenant"},
    {"applications/attachments.cpp", "DELETE FROM upload_quotas WHERE day < ?",
     "yesterday's quotas of every tenant expire"},
    {"auth/store.cpp", "staff_sessions", "by the hash of a random session token"},
    {"channels/line/rich_menu_store.cpp", "UPDATE line_rich_menus SET",
     "by a menu id found under the tenant"},
    {"applications/inbox.cpp", "FROM applications a {?}", "where_clause() names the tenant"},
    {"applications/inbox.cpp",
     "FROM applications a JOIN services s ON s.id = a.service_id LEFT JOIN staff st ON st.id = "
     "a.assignee_id {?}",
     "where_clause() names the tenant"},
    {"applications/results.cpp", "FROM applications a {?}", "where_clause() names the tenant"},
    {"applications/results.cpp", "FROM ratings {?}", "rwhere starts with tenant_id = ?"},
    {"applications/csv_export.cpp", "{?}", "where_clause() names the tenant"},
    {"residents/store.cpp",
     "SELECT 1 FROM resident_identities WHERE channel = ? AND external_id = ?",
     "issued(): was this random device id handed out by us, whatever the tenant"},
    {"residents/store.cpp", "FROM residents WHERE attributes <> '{}'",
     "the one-time carry-over of the old JSON column covers every tenant"},
    {"residents/import.cpp", "WHERE tenant_id + 0 = ?",
     "tenant_id + 0: the tenant, written so SQLite does not pick the (tenant, key, value) index"},
    // Outbox retention and campaigns' retention cover every tenant, by row id.
    {"channels/line/outbox.cpp",
     "DELETE FROM line_outbox WHERE id IN (SELECT id FROM line_outbox WHERE status = 'sent'",
     "retention of sent outbox rows covers every tenant"},
    {"channels/line/outbox.cpp",
     "DELETE FROM line_outbox WHERE id IN (SELECT id FROM line_outbox WHERE campaign_id = ?",
     "by the id of a finished campaign found under its tenant"},
    {"delivery/campaigns.cpp",
     "SELECT id, tenant_id FROM campaigns WHERE status IN ('queued', 'sending')",
     "start-up resumes unfinished fan-outs of every tenant"},
    {"delivery/campaigns.cpp", "FROM campaigns WHERE finished_at IS NOT NULL AND purged_at IS NULL",
     "retention finds finished campaigns of every tenant"},
    {"delivery/campaigns.cpp", "UPDATE campaigns SET purged_at = ? WHERE id = ?",
     "by the id of a campaign the retention found"},
    // Timing and garbage reminders (issue 13): the sweeps find due work of every tenant.
    {"delivery/schedule.cpp", "FROM campaign_timings WHERE next_run_at IS NOT NULL",
     "the timing sweep finds due campaigns of every tenant"},
    {"delivery/garbage_reminders.cpp", "FROM delivery_settings WHERE garbage_reminders = 1",
     "the reminder sweep finds the tenants with reminders on"},
    // Schedules: platform ones have no tenant; each is found by its unique name.
    {"jobs/queue.cpp", "schedules", "schedules serve every tenant; found by their unique name"},
    // Reservations: by the id of a resource loaded under the tenant in the same transaction.
    {"reservations/ledger.cpp", "WHERE resource_id = ?",
     "by a resource id loaded under the tenant in the same transaction"},
    {"reservations/ledger.cpp", "WHERE parent_id = ?", "by a category id found under the tenant"},
    {"reservations/ledger.cpp", "WHERE category_id = ?", "by a category id found under the tenant"},
    {"reservations/ledger.cpp", "WHERE resident_id = ? AND resource_id = ?",
     "by a resident and a resource both found under the tenant"},
    {"reservations/ledger.cpp", "SELECT id FROM residents WHERE id = ?",
     "locks a resident found under the tenant (the daily limit)"},
    {"reservations/ledger.cpp", "UPDATE bookings SET group_id = ? WHERE id = ?",
     "by the id of the row this transaction just inserted"},
    {"reservations/ledger.cpp", "UPDATE waitlist_entries SET status = 'booked'",
     "by the id of an offer found under the tenant, under its slot's lock"},
    {"reservations/report.cpp", "WHERE resource_id = ?",
     "by a resource id the route found under the tenant"},
    {"reservations/waitlist.cpp", "WHERE resource_id = ?",
     "by a resource id loaded under the tenant in the same transaction"},
    {"reservations/waitlist.cpp", "WHERE id = ?",
     "by the id of an entry found under the tenant (or carried by its tenant's job)"},
    {"reservations/waitlist.cpp", "FROM waitlist_entries WHERE  {?}",
     "callers name the tenant, a resource found under it, or (the expiry sweep) every tenant"},
    {"reservations/waitlist.cpp", "SELECT tenant_id FROM resources WHERE id = ?",
     "the expiry sweep finds the tenant of an expired offer's resource"},
    {"reservations/notices.cpp",
     "FROM bookings b JOIN resources r ON r.id = b.resource_id WHERE "
     "b.status = 'booked' AND b.resident_id IS NOT NULL",
     "the reminder sweep finds due bookings of every tenant; each is sent under its tenant"},

};

// `file` may query `table` although another folder owns it. TODO: being removed (issue 10,
// item 4: store.{h,cpp} per capability); shrink this list as they go.
struct OwnershipException {
  std::string file, table;
};
const std::vector<OwnershipException> kOwnershipExceptions = {
    {"applications/csv_export.cpp", "services"},
    {"applications/csv_export.cpp", "staff"},
    {"applications/inbox.cpp", "services"},
    {"applications/inbox.cpp", "staff"},
    {"applications/inbox.cpp", "tenants"},
    {"applications/lookup_lists.cpp", "staff"},
    {"auth/store.cpp", "services"},
    {"channels/line/event_processor.cpp", "tenants"},
    {"channels/line/photo_intake.cpp", "attachments"},
    {"channels/line/resident_notice.cpp", "applications"},
    {"channels/line/resident_notice.cpp", "corrections"},
    {"channels/line/resident_notice.cpp", "services"},
    {"channels/line/resident_notice.cpp", "tenants"},
    {"channels/line/rich_menu_store.cpp", "tenants"},
    {"delivery/fanout.cpp", "residents"},
    {"reservations/waitlist.cpp", "tenants"},
    {"reservations/notices.cpp", "tenants"},
    {"messaging/web_inbox.cpp", "residents"},
    {"reservations/ledger.cpp", "residents"},
};

std::string folder_of(const std::string& rel) {
  auto slash = rel.find('/');
  std::string first = rel.substr(0, slash);
  if (first == "channels") return rel.substr(0, rel.find('/', slash + 1));
  return first;
}

struct Finding {
  std::string file;
  int line;
  std::string rule;  // "tenant" or "owner:<table>"
  std::string text;
};

std::string owner_of(const std::string& table) {
  for (const auto& [folder, tables] : kOwners)
    if (std::find(tables.begin(), tables.end(), table) != tables.end()) return folder;
  return "";
}

// The findings for one file (rel: path under src/), before exceptions.
std::vector<Finding> lint(const std::string& rel, const std::string& source, const Schema& schema) {
  std::vector<Finding> out;
  std::string folder = folder_of(rel);
  for (const auto& st : statements(source)) {
    Analysis a = analyse(st.text);
    bool reads_owned = false, inserts_owned = false;
    std::set<std::string> foreign;
    for (const auto& u : a.tables) {
      if (!schema.tables.count(u.table)) continue;  // CTE names, other databases
      if (schema.tenant_owned.count(u.table))
        (u.insert_target ? inserts_owned : reads_owned) = true;
      std::string owner = owner_of(u.table);
      if (owner != folder) foreign.insert(u.table);
    }
    if ((reads_owned && !a.tenant_condition) || (inserts_owned && !a.tenant_in_insert))
      out.push_back({rel, st.line, "tenant", st.text});
    for (const auto& table : foreign) out.push_back({rel, st.line, "owner:" + table, st.text});
  }
  return out;
}

Schema schema() {
  return schema_from(read_text(std::string(MG_SOURCE_DIR) + "/src/store/migration_list.cpp"));
}

std::string show(const Finding& f) {
  return f.file + ":" + std::to_string(f.line) + " [" + f.rule + "] " + f.text.substr(0, 160);
}

}  // namespace

TEST(SqlLint, SchemaKnowsTenantOwnedTables) {
  Schema s = schema();
  for (const char* t : {"applications", "staff", "jobs", "line_channels", "resident_attributes",
                        "lookup_failures", "upload_quotas", "schedules"})
    EXPECT_TRUE(s.tenant_owned.count(t)) << t;
  for (const char* t : {"tenants", "postal_codes", "reservation_slot_locks"})
    EXPECT_TRUE(s.tables.count(t) && !s.tenant_owned.count(t)) << t;
}

TEST(SqlLint, EveryTableHasAnOwner) {
  for (const auto& t : schema().tables)
    EXPECT_NE(owner_of(t), "") << "table " << t << " has no owner: add it to kOwners";
}

TEST(SqlLint, ReadsStatementsFromCpp) {
  // (the SRC delimiter keeps clang-format out of the raw string)
  std::string src = R"SRC(
#include "not/sql.h"
constexpr const char* kCols = "SELECT a.id, s.title FROM applications a "
                              "JOIN services s ON s.id = a.service_id";
void f(Tx& tx) {
  tx.query("SELECT id " /* a comment */ "FROM staff "
           "WHERE tenant_id = ?", {1});
  tx.one(std::string(kCols) + " WHERE a.tenant_id = ?", {1});
  tx.exec(R"SQL(DELETE FROM corrections
                WHERE id = ?)SQL", {2});
  tx.exec("INSERT INTO ratings(tenant_id, score) SELECT c.tenant_id, 1 FROM corrections c, "
          "applications x WHERE x.id = c.application_id" + where, {});
  tx.exec("UPDATE line_outbox SET status = 'x' WHERE id IN (SELECT id FROM line_outbox o WHERE "
          "o.tenant_id = ?" + std::string(store::for_update(tx)) + ")", {1});
  log("a string that says SELECT nothing");
  char c = '"';
}
)SRC";
  auto st = statements(src);
  ASSERT_EQ(st.size(), 5u);
  EXPECT_EQ(st[0].text, "SELECT id FROM staff WHERE tenant_id = ?");
  EXPECT_EQ(st[0].line, 6);
  EXPECT_EQ(st[1].text,
            "SELECT a.id, s.title FROM applications a JOIN services s ON s.id = a.service_id "
            "WHERE a.tenant_id = ?");
  EXPECT_NE(st[2].text.find("DELETE FROM corrections"), std::string::npos);
  EXPECT_NE(st[3].text.find("{?}"), std::string::npos);
  EXPECT_NE(st[4].text.find("{?} )"), std::string::npos);

  Analysis join = analyse(st[1].text);
  ASSERT_EQ(join.tables.size(), 2u);
  EXPECT_EQ(join.tables[0].table, "applications");
  EXPECT_EQ(join.tables[0].alias, "a");
  EXPECT_EQ(join.tables[1].table, "services");
  EXPECT_EQ(join.tables[1].alias, "s");
  EXPECT_TRUE(join.tenant_condition);

  EXPECT_FALSE(analyse(st[2].text).tenant_condition);

  Analysis insert_select = analyse(st[3].text);
  ASSERT_EQ(insert_select.tables.size(), 3u);
  EXPECT_TRUE(insert_select.tables[0].insert_target);
  EXPECT_EQ(insert_select.tables[1].table, "corrections");
  EXPECT_EQ(insert_select.tables[2].table, "applications");  // FROM a x, b y
  EXPECT_TRUE(insert_select.tenant_in_insert);
  EXPECT_FALSE(insert_select.tenant_condition);  // c.tenant_id is selected, not compared

  Analysis update = analyse(st[4].text);
  ASSERT_EQ(update.tables.size(), 2u);
  EXPECT_TRUE(update.tenant_condition);
  // ON CONFLICT … DO UPDATE and FOR UPDATE name no table.
  Analysis upsert = analyse(
      "INSERT INTO upload_quotas(tenant_id, day) VALUES (?, ?) ON CONFLICT (tenant_id, day) DO "
      "UPDATE SET n = 1 FOR UPDATE");
  ASSERT_EQ(upsert.tables.size(), 1u);
  EXPECT_TRUE(upsert.tenant_in_insert);
}

// The fixture holds queries that break both rules, as if written in applications/: the lint
// must report each of them (and nothing in its correct queries).
TEST(SqlLint, ReportsTheBadQueriesOfTheFixture) {
  std::string src = read_text(std::string(MG_SOURCE_DIR) +
                              "/tests/unit/store/sql_lint_fixture/bad_queries.cpp.txt");
  ASSERT_FALSE(src.empty());
  auto findings = lint("applications/bad_queries.cpp", src, schema());
  std::vector<std::string> got;
  for (const auto& f : findings) got.push_back(f.rule + " @" + std::to_string(f.line));
  std::vector<std::string> want = {
      "tenant @9",         "tenant @12",      "tenant @16", "owner:services @16",
      "tenant @19",        "owner:staff @22", "tenant @24", "owner:line_outbox @24",
      "owner:services @26"};
  EXPECT_EQ(got, want);
}

TEST(SqlLint, SourcesFollowTheRules) {
  Schema s = schema();
  fs::path root = fs::path(MG_SOURCE_DIR) / "src";
  std::vector<bool> tenant_used(kTenantExceptions.size()), owner_used(kOwnershipExceptions.size());
  std::vector<std::string> failures;
  int statements_seen = 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    auto ext = e.path().extension();
    if (!e.is_regular_file() || (ext != ".cpp" && ext != ".h")) continue;
    std::string rel = fs::relative(e.path(), root).generic_string();
    if (rel == "store/migration_list.cpp") continue;  // the schema itself
    std::string source = read_text(e.path().string());
    statements_seen += static_cast<int>(statements(source).size());
    for (const auto& f : lint(rel, source, s)) {
      bool allowed = false;
      if (f.rule == "tenant") {
        for (std::size_t i = 0; i < kTenantExceptions.size(); ++i)
          if (kTenantExceptions[i].file == rel &&
              f.text.find(kTenantExceptions[i].fragment) != std::string::npos)
            allowed = true, tenant_used[i] = true;
      } else {
        std::string table = f.rule.substr(6);
        for (std::size_t i = 0; i < kOwnershipExceptions.size(); ++i)
          if (kOwnershipExceptions[i].file == rel && kOwnershipExceptions[i].table == table)
            allowed = true, owner_used[i] = true;
      }
      if (!allowed) failures.push_back(show(f));
    }
  }
  EXPECT_GT(statements_seen, 150);
  for (const auto& f : failures) ADD_FAILURE() << f;
  for (std::size_t i = 0; i < kTenantExceptions.size(); ++i)
    EXPECT_TRUE(tenant_used[i]) << "exception no longer needed, remove it: "
                                << kTenantExceptions[i].file << " "
                                << kTenantExceptions[i].fragment;
  for (std::size_t i = 0; i < kOwnershipExceptions.size(); ++i)
    EXPECT_TRUE(owner_used[i]) << "exception no longer needed, remove it: "
                               << kOwnershipExceptions[i].file << " "
                               << kOwnershipExceptions[i].table;
}
