#include "handoff/store.h"

#include <chrono>
#include <cstdio>
#include <map>

#include "core/json.h"
#include "core/json_parse.h"
#include "core/json_strings.h"

namespace mg::handoff {

namespace {

constexpr const char* kConversationColumns =
    "id, tenant_id, resident_id, channel, department, status, assignee_id, recent_questions, "
    "created_at, updated_at, closed_at, faq_entry_id";

Conversation conversation_of(const store::Row& r) {
  Conversation c;
  c.id = r.i64(0);
  c.tenant_id = r.i64(1);
  c.resident_id = r.i64(2);
  c.channel = r.str(3);
  c.department = r.str(4);
  c.status = r.str(5);
  c.assignee_id = r.opt_i64(6);
  c.recent_questions = stored_strings(r.str(7));
  c.created_at = r.i64(8);
  c.updated_at = r.i64(9);
  c.closed_at = r.opt_i64(10);
  c.faq_entry_id = r.opt_i64(11);
  return c;
}

std::string jst_day(int64_t ms) {
  namespace chr = std::chrono;
  auto d = chr::year_month_day{chr::floor<chr::days>(
      chr::sys_time<chr::milliseconds>(chr::milliseconds(ms + 9 * 3600 * 1000)))};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

}  // namespace

std::optional<Conversation> get_conversation(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto r = tx.one(std::string("SELECT ") + kConversationColumns +
                      " FROM handoff_conversations WHERE tenant_id = ? AND id = ?",
                  {tenant_id, id});
  if (!r) return std::nullopt;
  return conversation_of(*r);
}

std::optional<Conversation> open_conversation(store::Tx& tx, int64_t tenant_id,
                                              int64_t resident_id) {
  auto r = tx.one(std::string("SELECT ") + kConversationColumns +
                      " FROM handoff_conversations WHERE tenant_id = ? AND resident_id = ? AND "
                      "status <> 'closed'",
                  {tenant_id, resident_id});
  if (!r) return std::nullopt;
  return conversation_of(*r);
}

int64_t insert_conversation(store::Tx& tx, const Conversation& c) {
  return tx.insert_id(
      "INSERT INTO handoff_conversations(tenant_id, resident_id, channel, department, status, "
      "recent_questions, created_at, updated_at, faq_entry_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "RETURNING id",
      {c.tenant_id, c.resident_id, c.channel, c.department, c.status,
       strings_json(c.recent_questions), c.created_at, c.updated_at, store::opt(c.faq_entry_id)});
}

std::vector<Conversation> list_conversations(store::Tx& tx, int64_t tenant_id,
                                             const std::vector<std::string>& statuses,
                                             int64_t limit) {
  std::vector<Conversation> out;
  for (const auto& status : statuses)
    tx.each(std::string("SELECT ") + kConversationColumns +
                " FROM handoff_conversations WHERE tenant_id = ? AND status = ? ORDER BY "
                "updated_at DESC, id DESC LIMIT ?",
            {tenant_id, status, limit}, [&](const store::Row& r) {
              out.push_back(conversation_of(r));
              return true;
            });
  return out;
}

void set_status(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& status,
                std::optional<int64_t> assignee_id, int64_t now_ms) {
  tx.exec(
      "UPDATE handoff_conversations SET status = ?, assignee_id = ?, updated_at = ?, "
      "closed_at = ? WHERE tenant_id = ? AND id = ?",
      {status, store::opt(assignee_id), now_ms,
       status == "closed" ? store::Value(now_ms) : store::Value(nullptr), tenant_id, id});
}

int64_t last_change(store::Tx& tx, int64_t tenant_id) {
  auto r = tx.one(
      "SELECT COALESCE(MAX(updated_at), 0), COUNT(*) FROM handoff_conversations WHERE "
      "tenant_id = ?",
      {tenant_id});
  return r ? r->i64(0) * 1000 + r->i64(1) % 1000 : 0;
}

int64_t insert_message(store::Tx& tx, int64_t tenant_id, const Message& m) {
  int64_t id = tx.insert_id(
      "INSERT INTO handoff_messages(tenant_id, conversation_id, sender, staff_id, text, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      {tenant_id, m.conversation_id, m.sender, store::opt(m.staff_id), m.text, m.created_at});
  // The queue orders by the last change; a same-millisecond change still moves the stamp.
  tx.exec(
      "UPDATE handoff_conversations SET updated_at = CASE WHEN updated_at >= ? THEN updated_at + "
      "1 ELSE ? END WHERE tenant_id = ? AND id = ?",
      {m.created_at, m.created_at, tenant_id, m.conversation_id});
  return id;
}

std::vector<Message> messages_after(store::Tx& tx, int64_t tenant_id, int64_t conversation_id,
                                    int64_t after_id, int64_t limit) {
  std::vector<Message> out;
  tx.each(
      "SELECT id, conversation_id, sender, staff_id, text, created_at FROM handoff_messages "
      "WHERE tenant_id = ? AND conversation_id = ? AND id > ? ORDER BY id LIMIT ?",
      {tenant_id, conversation_id, after_id, limit}, [&](const store::Row& r) {
        out.push_back({r.i64(0), r.i64(1), r.str(2), r.opt_i64(3), r.str(4), r.i64(5)});
        return true;
      });
  return out;
}

std::optional<StoredHours> load_hours(store::Tx& tx, int64_t tenant_id) {
  auto r = tx.one("SELECT weekly, closed_on_holidays FROM handoff_hours WHERE tenant_id = ?",
                  {tenant_id});
  if (!r) return std::nullopt;
  return StoredHours{r->str(0), r->i64(1) != 0};
}

void save_hours(store::Tx& tx, int64_t tenant_id, const StoredHours& h, int64_t now_ms) {
  tx.exec(
      "INSERT INTO handoff_hours(tenant_id, weekly, closed_on_holidays, updated_at) VALUES (?, ?, "
      "?, ?) ON CONFLICT (tenant_id) DO UPDATE SET weekly = excluded.weekly, closed_on_holidays "
      "= excluded.closed_on_holidays, updated_at = excluded.updated_at",
      {tenant_id, h.weekly, int64_t{h.closed_on_holidays ? 1 : 0}, now_ms});
}

BotMemory load_memory(store::Tx& tx, int64_t tenant_id, int64_t resident_id) {
  auto r = tx.one(
      "SELECT failures, recent_questions, department, last_answer_id FROM handoff_bot_memory "
      "WHERE tenant_id = ? AND resident_id = ?",
      {tenant_id, resident_id});
  if (!r) return {};
  return {r->i64(0), stored_strings(r->str(1)), r->str(2), r->opt_i64(3)};
}

void save_memory(store::Tx& tx, int64_t tenant_id, int64_t resident_id, const BotMemory& m,
                 int64_t now_ms) {
  tx.exec(
      "INSERT INTO handoff_bot_memory(tenant_id, resident_id, failures, recent_questions, "
      "department, last_answer_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
      "(tenant_id, resident_id) DO UPDATE SET failures = excluded.failures, recent_questions = "
      "excluded.recent_questions, department = excluded.department, last_answer_id = "
      "excluded.last_answer_id, updated_at = excluded.updated_at",
      {tenant_id, resident_id, m.failures, strings_json(m.recent_questions), m.department,
       store::opt(m.last_answer_id), now_ms});
}

std::vector<std::pair<std::string, int64_t>> started_per_day(store::Tx& tx, int64_t tenant_id,
                                                             int64_t from_ms) {
  std::map<std::string, int64_t> days;
  tx.each("SELECT created_at FROM handoff_conversations WHERE tenant_id = ? AND created_at >= ?",
          {tenant_id, from_ms}, [&](const store::Row& r) {
            ++days[jst_day(r.i64(0))];
            return true;
          });
  return {days.begin(), days.end()};
}

std::map<int64_t, int64_t> started_per_faq_entry(store::Tx& tx, int64_t tenant_id, int64_t from_ms,
                                                 int64_t end_ms) {
  std::map<int64_t, int64_t> out;
  tx.each(
      "SELECT faq_entry_id, COUNT(*) FROM handoff_conversations WHERE tenant_id = ? AND "
      "created_at >= ? AND created_at < ? AND faq_entry_id IS NOT NULL GROUP BY faq_entry_id",
      {tenant_id, from_ms, end_ms}, [&](const store::Row& r) {
        out[r.i64(0)] = r.i64(1);
        return true;
      });
  return out;
}

}  // namespace mg::handoff
