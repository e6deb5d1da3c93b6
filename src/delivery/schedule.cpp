#include "delivery/schedule.h"

#include <cstdio>

#include "auth/service.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "core/log.h"
#include "delivery/campaigns.h"
#include "delivery/click_tracking.h"
#include "delivery/fanout.h"
#include "residents/condition.h"
#include "residents/store.h"
#include "store/dialect.h"

namespace mg::delivery {

namespace {

std::string hhmm(int hour, int minute) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", hour, minute);
  return buf;
}

bool parse_hhmm(const std::string& s, int& hour, int& minute) {
  if (s.size() != 5 || s[2] != ':') return false;
  for (size_t i : {0, 1, 3, 4})
    if (s[i] < '0' || s[i] > '9') return false;
  hour = (s[0] - '0') * 10 + (s[1] - '0');
  minute = (s[3] - '0') * 10 + (s[4] - '0');
  return hour <= 23 && minute <= 59;
}

bool valid_key(const std::string& k) {
  return !k.empty() && k.size() <= 40 &&
         k.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
}

Approval approval_from_row(const store::Row& r) {
  Approval a;
  a.id = r.i64(0);
  a.campaign_id = r.i64(1);
  a.requested_by = r.i64(2);
  a.requested_at = r.i64(3);
  a.decision = r.str(4);
  a.decided_by = r.opt_i64(5);
  a.decided_at = r.opt_i64(6);
  a.reason = r.opt_str(7).value_or("");
  return a;
}

const char* kApprovalColumns =
    "id, campaign_id, requested_by, requested_at, decision, decided_by, decided_at, reason";

void set_status(store::Tx& tx, int64_t tenant_id, int64_t id, const std::string& status,
                int64_t now_ms) {
  tx.exec("UPDATE campaigns SET status = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
          {status, now_ms, tenant_id, id});
}

// Approved or needing no approval: queued now, or scheduled for the sweep.
std::string release(store::Tx& tx, int64_t tenant_id, int64_t id, int64_t now_ms) {
  auto t = timing_of(tx, tenant_id, id);
  auto first = t ? first_occurrence(*t, now_ms) : std::nullopt;
  if (!t) {
    set_status(tx, tenant_id, id, "draft", now_ms);
    if (!queue(tx, tenant_id, id)) throw ApiError::conflict("この配信は送信できません");
    return "queued";
  }
  if (!first)
    throw ApiError::conflict("この配信のタイミングには、これから先の配信日時がありません");
  tx.exec(
      "UPDATE campaign_timings SET next_run_at = ?, updated_at = ? WHERE tenant_id = ? AND "
      "campaign_id = ?",
      {*first, now_ms, tenant_id, id});
  set_status(tx, tenant_id, id, "scheduled", now_ms);
  return "scheduled";
}

Campaign locked_campaign(store::Tx& tx, int64_t tenant_id, int64_t id) {
  auto c = find(tx, tenant_id, id, true);
  if (!c) throw ApiError::not_found("配信が見つかりません");
  return *c;
}

// The audience of one life-stage occurrence: the campaign's own audience narrowed to the
// residents whose date attribute reaches the offset on that day.
Json lifestage_audience(const Json& audience, const Timing& t, int64_t occurrence_ms) {
  Json dates = Json::array();
  for (const auto& d : dates_reaching(calendar::jst_date(occurrence_ms), t.months, t.days))
    dates.push_back(calendar::format_iso(d));
  Json reach{{"attr", t.attribute}, {"in", dates}};
  Json all = Json::array({reach});
  if (audience.value("kind", "") == "condition" && audience.contains("condition") &&
      audience["condition"].is_object() && !audience["condition"].empty())
    all.push_back(audience["condition"]);
  return Json{{"kind", "condition"}, {"condition", {{"all", all}}}};
}

// Fires one due occurrence of the campaign inside `tx`; false when another process already
// did (the occurrence key exists) or the campaign is no longer scheduled.
bool fire(store::Tx& tx, int64_t tenant_id, int64_t campaign_id, int64_t now_ms, int& created) {
  auto row = tx.one(std::string("SELECT timing, next_run_at FROM campaign_timings WHERE "
                                "tenant_id = ? AND campaign_id = ?") +
                        store::for_update(tx),
                    {tenant_id, campaign_id});
  if (!row || !row->opt_i64(1) || *row->opt_i64(1) > now_ms) return false;  // someone else
  auto c = find(tx, tenant_id, campaign_id, true);
  Timing t = parse_timing(parse_stored_json(row->str(0)));
  auto stop = [&] {
    tx.exec(
        "UPDATE campaign_timings SET next_run_at = NULL, updated_at = ? WHERE tenant_id = ? AND "
        "campaign_id = ?",
        {now_ms, tenant_id, campaign_id});
  };
  if (!c || c->status != "scheduled") {
    stop();
    return false;
  }
  int64_t occ = latest_due(t, *row->opt_i64(1), now_ms);
  std::string key = occurrence_key(occ);
  auto inserted = tx.query(
      "INSERT INTO campaign_occurrences(tenant_id, campaign_id, occurrence_key, occurrence_at, "
      "created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING occurrence_key",
      {tenant_id, campaign_id, key, occ, now_ms});
  auto next = next_occurrence(t, occ);
  tx.exec(
      "UPDATE campaign_timings SET next_run_at = ?, updated_at = ? WHERE tenant_id = ? AND "
      "campaign_id = ?",
      {store::opt(next), now_ms, tenant_id, campaign_id});
  if (inserted.empty()) return false;  // this occurrence went out already

  std::optional<int64_t> delivery;
  if (t.kind == TimingKind::at) {
    set_status(tx, tenant_id, campaign_id, "draft", now_ms);
    queue(tx, tenant_id, campaign_id);
    delivery = campaign_id;
  } else {
    Campaign copy;
    copy.tenant_id = tenant_id;
    copy.title = c->title;
    copy.messages = c->messages;
    copy.audience = c->audience;
    copy.created_by = c->created_by;
    bool anyone = true;
    if (t.kind == TimingKind::lifestage) {
      copy.audience = lifestage_audience(c->audience, t, occ);
      anyone = residents::count_matching(tx, tenant_id, copy.audience["condition"]) > 0;
    }
    if (anyone) {
      delivery = create(tx, copy);
      // Each occurrence is a delivery of its own with its own report: a tracked campaign's
      // copies track their links too.
      if (!tracked_links(tx, tenant_id, campaign_id).empty())
        track_links(tx, tenant_id, *delivery, copy.messages);
      queue(tx, tenant_id, *delivery);
    }
    if (!next) set_status(tx, tenant_id, campaign_id, "sent", now_ms);
  }
  if (delivery) {
    auto d = find(tx, tenant_id, *delivery);
    tx.exec(
        "UPDATE campaign_occurrences SET delivery_id = ?, recipients = ? WHERE tenant_id = ? AND "
        "campaign_id = ? AND occurrence_key = ?",
        {*delivery, d ? d->targeted : 0, tenant_id, campaign_id, key});
    ++created;
  }
  return true;
}

}  // namespace

// ---- settings --------------------------------------------------------------------------------

DeliverySettings load_settings(store::Tx& tx, int64_t tenant_id) {
  DeliverySettings s;
  auto r = tx.one(
      "SELECT approval_required, garbage_reminders, garbage_reminder_time, "
      "garbage_area_attribute, garbage_time_attribute FROM delivery_settings WHERE tenant_id = ?",
      {tenant_id});
  if (!r) return s;
  s.approval_required = r->i64(0) != 0;
  s.garbage_reminders = r->i64(1) != 0;
  parse_hhmm(r->str(2), s.reminder_hour, s.reminder_minute);
  s.area_attribute = r->str(3);
  s.time_attribute = r->str(4);
  return s;
}

void save_settings(store::Tx& tx, int64_t tenant_id, const DeliverySettings& s, int64_t now_ms) {
  tx.exec(
      "INSERT INTO delivery_settings(tenant_id, approval_required, garbage_reminders, "
      "garbage_reminder_time, garbage_area_attribute, garbage_time_attribute, updated_at) VALUES "
      "(?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id) DO UPDATE SET approval_required = "
      "excluded.approval_required, garbage_reminders = excluded.garbage_reminders, "
      "garbage_reminder_time = excluded.garbage_reminder_time, garbage_area_attribute = "
      "excluded.garbage_area_attribute, garbage_time_attribute = excluded.garbage_time_attribute, "
      "updated_at = excluded.updated_at",
      {tenant_id, int64_t{s.approval_required}, int64_t{s.garbage_reminders},
       hhmm(s.reminder_hour, s.reminder_minute), s.area_attribute, s.time_attribute, now_ms});
}

Json to_json(const DeliverySettings& s) {
  return Json{{"approval_required", s.approval_required},
              {"garbage_reminders",
               {{"enabled", s.garbage_reminders},
                {"time", hhmm(s.reminder_hour, s.reminder_minute)},
                {"area_attribute", s.area_attribute},
                {"time_attribute", s.time_attribute}}}};
}

DeliverySettings settings_from_json(const Json& body, DeliverySettings s) {
  if (!body.is_object()) throw ApiError::bad_request("JSON オブジェクトを送ってください");
  for (auto it = body.begin(); it != body.end(); ++it)
    if (it.key() != "approval_required" && it.key() != "garbage_reminders")
      throw ApiError::bad_request("使えない項目です", it.key().substr(0, 40));
  if (body.contains("approval_required")) {
    if (!body["approval_required"].is_boolean())
      throw ApiError::bad_request("true か false で指定してください", "approval_required");
    s.approval_required = body["approval_required"].get<bool>();
  }
  if (body.contains("garbage_reminders")) {
    const Json& g = body["garbage_reminders"];
    if (!g.is_object())
      throw ApiError::bad_request("オブジェクトで指定してください", "garbage_reminders");
    for (auto it = g.begin(); it != g.end(); ++it) {
      const std::string& k = it.key();
      std::string field = "garbage_reminders." + k.substr(0, 40);
      const Json& v = it.value();
      if (k == "enabled") {
        if (!v.is_boolean()) throw ApiError::bad_request("true か false で指定してください", field);
        s.garbage_reminders = v.get<bool>();
      } else if (k == "time") {
        if (!v.is_string() || !parse_hhmm(v.get<std::string>(), s.reminder_hour, s.reminder_minute))
          throw ApiError::bad_request("時刻は HH:MM（例: 19:00）で指定してください", field);
      } else if (k == "area_attribute" || k == "time_attribute") {
        if (!v.is_string() || !valid_key(v.get<std::string>()))
          throw ApiError::bad_request(
              "属性のキー（英小文字・数字・_、40文字まで）を指定してください", field);
        (k == "area_attribute" ? s.area_attribute : s.time_attribute) = v.get<std::string>();
      } else {
        throw ApiError::bad_request("使えない項目です", field);
      }
    }
  }
  return s;
}

// ---- timing ----------------------------------------------------------------------------------

std::optional<Timing> timing_of(store::Tx& tx, int64_t tenant_id, int64_t campaign_id) {
  auto r = tx.one("SELECT timing FROM campaign_timings WHERE tenant_id = ? AND campaign_id = ?",
                  {tenant_id, campaign_id});
  if (!r) return std::nullopt;
  return parse_timing(parse_stored_json(r->str(0)));
}

std::optional<int64_t> next_run_of(store::Tx& tx, int64_t tenant_id, int64_t campaign_id) {
  auto r =
      tx.one("SELECT next_run_at FROM campaign_timings WHERE tenant_id = ? AND campaign_id = ?",
             {tenant_id, campaign_id});
  return r ? r->opt_i64(0) : std::nullopt;
}

void set_timing(store::Tx& tx, int64_t tenant_id, int64_t campaign_id, const Timing& t) {
  auto c = locked_campaign(tx, tenant_id, campaign_id);
  if (c.status != "draft" && c.status != "rejected")
    throw ApiError::conflict("タイミングを変えられるのは下書きか差し戻された配信だけです");
  if (t.kind == TimingKind::lifestage) {
    auto def = residents::definition_by_key(tx, tenant_id, t.attribute);
    if (!def || def->type != residents::AttributeType::date)
      throw ApiError::bad_request("日付の種類の属性を指定してください", "attribute");
    if (c.audience.value("kind", "") == "residents")
      throw ApiError::bad_request(
          "成長に合わせた配信の配信先は「全員」か「条件」で指定してください", "attribute");
  }
  int64_t now = clock::now_ms();
  if (t.kind == TimingKind::now) {
    tx.exec("DELETE FROM campaign_timings WHERE tenant_id = ? AND campaign_id = ?",
            {tenant_id, campaign_id});
    return;
  }
  tx.exec(
      "INSERT INTO campaign_timings(tenant_id, campaign_id, timing, next_run_at, updated_at) "
      "VALUES (?, ?, ?, NULL, ?) ON CONFLICT (campaign_id) DO UPDATE SET timing = "
      "excluded.timing, next_run_at = NULL, updated_at = excluded.updated_at",
      {tenant_id, campaign_id, to_json(t).dump(), now});
}

std::vector<Occurrence> occurrences_of(store::Tx& tx, int64_t tenant_id, int64_t campaign_id,
                                       int limit) {
  std::vector<Occurrence> out;
  for (const auto& r : tx.query(
           "SELECT occurrence_key, occurrence_at, delivery_id, recipients, created_at FROM "
           "campaign_occurrences WHERE tenant_id = ? AND campaign_id = ? ORDER BY occurrence_at "
           "DESC LIMIT ?",
           {tenant_id, campaign_id, int64_t{limit}}))
    out.push_back({r.str(0), r.i64(1), r.opt_i64(2), r.i64(3), r.i64(4)});
  return out;
}

// ---- approval --------------------------------------------------------------------------------

Json to_json(const Approval& a) {
  auto opt = [](const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); };
  return Json{{"id", a.id},
              {"campaign_id", a.campaign_id},
              {"requested_by", a.requested_by},
              {"requested_at", a.requested_at},
              {"decision", a.decision},
              {"decided_by", opt(a.decided_by)},
              {"decided_at", opt(a.decided_at)},
              {"reason", a.reason}};
}

std::optional<Approval> latest_approval(store::Tx& tx, int64_t tenant_id, int64_t campaign_id) {
  auto r = tx.one(std::string("SELECT ") + kApprovalColumns +
                      " FROM campaign_approvals WHERE tenant_id = ? AND campaign_id = ? ORDER BY "
                      "id DESC LIMIT 1",
                  {tenant_id, campaign_id});
  if (!r) return std::nullopt;
  return approval_from_row(*r);
}

std::vector<Approval> pending_approvals(store::Tx& tx, int64_t tenant_id, int limit) {
  std::vector<Approval> out;
  for (const auto& r :
       tx.query(std::string("SELECT ") + kApprovalColumns +
                    " FROM campaign_approvals WHERE tenant_id = ? AND decision = 'pending' ORDER "
                    "BY id LIMIT ?",
                {tenant_id, int64_t{limit}}))
    out.push_back(approval_from_row(r));
  return out;
}

std::string request_send(store::Tx& tx, const auth::Principal& who, int64_t id, int64_t now_ms) {
  auto c = locked_campaign(tx, who.tenant_id, id);
  if (c.status != "draft" && c.status != "rejected")
    throw ApiError::conflict("この配信は送信済みか取り消されています");
  std::string status;
  if (load_settings(tx, who.tenant_id).approval_required) {
    tx.exec(
        "INSERT INTO campaign_approvals(tenant_id, campaign_id, requested_by, requested_at) "
        "VALUES (?, ?, ?, ?)",
        {who.tenant_id, id, who.staff_id, now_ms});
    set_status(tx, who.tenant_id, id, "pending_approval", now_ms);
    status = "pending_approval";
  } else {
    status = release(tx, who.tenant_id, id, now_ms);
  }
  auth::audit(tx, who, "campaign.send", "campaign", std::to_string(id), {{"status", status}});
  return status;
}

namespace {

Approval pending_of(store::Tx& tx, const auth::Principal& who, const Campaign& c) {
  auto a = latest_approval(tx, who.tenant_id, c.id);
  if (c.status != "pending_approval" || !a || a->decision != "pending")
    throw ApiError::conflict("この配信は承認待ちではありません");
  // Four eyes: neither the author nor the one who asked to send may decide.
  if (a->requested_by == who.staff_id || (c.created_by && *c.created_by == who.staff_id))
    throw ApiError::forbidden("自分が作成または送信を依頼した配信は承認・差し戻しできません");
  return *a;
}

}  // namespace

void approve(store::Tx& tx, const auth::Principal& who, int64_t id, int64_t now_ms) {
  auto c = locked_campaign(tx, who.tenant_id, id);
  auto a = pending_of(tx, who, c);
  tx.exec(
      "UPDATE campaign_approvals SET decision = 'approved', decided_by = ?, decided_at = ? WHERE "
      "tenant_id = ? AND id = ?",
      {who.staff_id, now_ms, who.tenant_id, a.id});
  std::string status = release(tx, who.tenant_id, id, now_ms);
  auth::audit(tx, who, "campaign.approve", "campaign", std::to_string(id), {{"status", status}});
}

void reject(store::Tx& tx, const auth::Principal& who, int64_t id, const std::string& reason,
            int64_t now_ms) {
  auto c = locked_campaign(tx, who.tenant_id, id);
  auto a = pending_of(tx, who, c);
  tx.exec(
      "UPDATE campaign_approvals SET decision = 'rejected', decided_by = ?, decided_at = ?, "
      "reason = ? WHERE tenant_id = ? AND id = ?",
      {who.staff_id, now_ms, reason, who.tenant_id, a.id});
  set_status(tx, who.tenant_id, id, "rejected", now_ms);
  auth::audit(tx, who, "campaign.reject", "campaign", std::to_string(id), {{"reason", reason}});
}

// ---- the sweep -------------------------------------------------------------------------------

int sweep_timings(store::Db& db, int64_t now_ms) {
  auto due = db.read([&](store::Tx& tx) {
    std::vector<std::pair<int64_t, int64_t>> out;
    for (const auto& r : tx.query(
             "SELECT tenant_id, campaign_id FROM campaign_timings WHERE next_run_at IS NOT NULL "
             "AND next_run_at <= ? ORDER BY next_run_at LIMIT 200",
             {now_ms}))
      out.emplace_back(r.i64(0), r.i64(1));
    return out;
  });
  int created = 0;
  for (const auto& one : due) {
    // Named copies, not structured bindings: clang 14 cannot capture those in the lambdas.
    int64_t tenant = one.first, campaign = one.second;
    try {
      // A life-stage campaign catches up day by day after downtime (each day has its own
      // residents); the others fire only their latest missed occurrence (latest_due).
      for (int i = 0; i < 31; ++i)
        if (!db.write([&](store::Tx& tx) { return fire(tx, tenant, campaign, now_ms, created); }))
          break;
    } catch (const std::exception& e) {
      // E.g. an attribute the audience names was removed: skip this occurrence rather than
      // retrying it every sweep; staff see it missing from the campaign's occurrences.
      log::warn("scheduled campaign occurrence skipped",
                {{"campaign_id", campaign}, {"error", std::string(e.what()).substr(0, 200)}});
      db.write([&](store::Tx& tx) {
        auto t = timing_of(tx, tenant, campaign);
        auto next = t ? next_occurrence(*t, now_ms) : std::nullopt;
        tx.exec(
            "UPDATE campaign_timings SET next_run_at = ?, updated_at = ? WHERE tenant_id = ? AND "
            "campaign_id = ?",
            {store::opt(next), now_ms, tenant, campaign});
      });
    }
  }
  return created;
}

}  // namespace mg::delivery
