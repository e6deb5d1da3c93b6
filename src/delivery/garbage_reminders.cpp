#include "delivery/garbage_reminders.h"

#include <map>
#include <set>

#include "auth/store.h"
#include "calendar/recurrence.h"
#include "delivery/schedule.h"
#include "garbage/schedule.h"
#include "garbage/store.h"
#include "residents/store.h"

namespace mg::delivery {

namespace chr = std::chrono;

namespace {

// "HH:MM" → minutes of the day; -1 when malformed.
int minutes_of(const std::string& s) {
  if (s.size() != 5 || s[2] != ':') return -1;
  for (size_t i : {0, 1, 3, 4})
    if (s[i] < '0' || s[i] > '9') return -1;
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  return h <= 23 && m <= 59 ? h * 60 + m : -1;
}

int remind_tenant(store::Tx& tx, const messaging::Dispatch& messengers, int64_t tenant_id,
                  int64_t now_ms) {
  auto s = load_settings(tx, tenant_id);
  if (!s.garbage_reminders) return 0;
  auto cal = garbage::load(tx, tenant_id);
  if (!cal) return 0;
  calendar::Date today = calendar::jst_date(now_ms);
  calendar::Date tomorrow{chr::sys_days{today} + chr::days{1}};
  int now_min = static_cast<int>((now_ms - calendar::jst_instant(today, 0, 0)) / 60000);
  int default_min = s.reminder_hour * 60 + s.reminder_minute;

  // Each resident once (several identities, or a multi-valued attribute: the first value).
  std::map<int64_t, std::string> area_of;
  std::map<int64_t, int> time_of;
  bool has_time_attr = residents::definition_by_key(tx, tenant_id, s.time_attribute).has_value();
  // Before the tenant's time nobody is due unless residents may choose their own.
  if (!has_time_attr && now_min < default_min) return 0;
  for (const char* channel : {"line", "web"}) {
    for (const auto& [id, value] :
         residents::identities_with_key(tx, tenant_id, channel, s.area_attribute))
      area_of.emplace(id.resident_id, value);
    if (has_time_attr)
      for (const auto& [id, value] :
           residents::identities_with_key(tx, tenant_id, channel, s.time_attribute))
        if (int m = minutes_of(value); m >= 0) time_of.emplace(id.resident_id, m);
  }
  if (area_of.empty()) return 0;
  auto tenant = auth::sql::tenant_by_id(tx, tenant_id);
  std::string day = calendar::format_iso(tomorrow);
  // Residents reminded already are skipped without a write: later sweeps of the evening only
  // read. The marker's primary key still decides when two processes race.
  std::set<int64_t> done;
  for (const auto& r : tx.query("SELECT resident_id FROM garbage_reminders_sent WHERE tenant_id = "
                                "? AND collection_day = ?",
                                {tenant_id, day}))
    done.insert(r.i64(0));
  std::map<std::string, std::vector<std::string>> collected;  // per area, computed once
  int sent = 0;
  for (const auto& [resident, area_name] : area_of) {
    if (done.count(resident)) continue;
    auto t = time_of.find(resident);
    if (now_min < (t == time_of.end() ? default_min : t->second)) continue;
    const garbage::Area* area = cal->area(area_name);
    if (!area) continue;  // a district the calendar does not know
    auto it = collected.find(area_name);
    if (it == collected.end())
      it = collected.emplace(area_name, garbage::collected_on(*cal, *area, tomorrow)).first;
    if (it->second.empty()) continue;  // nothing collected tomorrow: no message
    auto inserted = tx.query(
        "INSERT INTO garbage_reminders_sent(tenant_id, resident_id, collection_day, sent_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING resident_id",
        {tenant_id, resident, day, now_ms});
    if (inserted.empty()) continue;  // reminded already
    messaging::Message m;
    m.kind = "garbage";
    m.title = "明日のごみ収集";
    m.text = reminder_text(area_name, static_cast<int>(unsigned(tomorrow.month())),
                           static_cast<int>(unsigned(tomorrow.day())),
                           static_cast<int>(chr::weekday{chr::sys_days{tomorrow}}.c_encoding()),
                           it->second);
    if (tenant) m.link = "/t/" + tenant->code + "/garbage";
    if (messengers.send(tx, tenant_id, resident, m)) ++sent;
  }
  return sent;
}

}  // namespace

std::string reminder_text(const std::string& area, int month, int day, int weekday,
                          const std::vector<std::string>& categories) {
  static const char* kWeekdays[] = {"日", "月", "火", "水", "木", "金", "土"};
  std::string list;
  for (const auto& c : categories) list += (list.empty() ? "" : "・") + c;
  return "明日 " + std::to_string(month) + "月" + std::to_string(day) + "日（" +
         kWeekdays[weekday % 7] + "）は " + list + " の収集日です。（" + area + "）";
}

int sweep_garbage_reminders(store::Db& db, const messaging::Dispatch& messengers, int64_t now_ms) {
  auto tenants = db.read([](store::Tx& tx) {
    std::vector<int64_t> out;
    for (const auto& r :
         tx.query("SELECT tenant_id FROM delivery_settings WHERE garbage_reminders = 1"))
      out.push_back(r.i64(0));
    return out;
  });
  int sent = 0;
  for (int64_t tenant : tenants)
    sent += db.write([&](store::Tx& tx) { return remind_tenant(tx, messengers, tenant, now_ms); });
  // Markers older than a week are no longer needed to keep a day's reminder single.
  db.write([&](store::Tx& tx) {
    calendar::Date old{chr::sys_days{calendar::jst_date(now_ms)} - chr::days{7}};
    for (int64_t tenant : tenants)
      tx.exec("DELETE FROM garbage_reminders_sent WHERE tenant_id = ? AND collection_day < ?",
              {tenant, calendar::format_iso(old)});
  });
  return sent;
}

}  // namespace mg::delivery
