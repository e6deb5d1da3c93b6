#pragma once
// Timing and approval of campaigns (issue 13): the tenant's delivery settings, a campaign's
// timing, the approval step, and the scheduler sweep that turns each due occurrence into a
// queued delivery exactly once. Tables delivery_settings, campaign_timings,
// campaign_occurrences, campaign_approvals (migration 27).
//
// Status of a campaign, beyond campaigns.h: draft -> pending_approval (承認待ち, when the
// tenant requires approval) -> approved by another admin -> released; rejected (差し戻し,
// with a reason) goes back to being editable and can be sent again. Released means: queued
// at once for "now", or 'scheduled' until the sweep fires it. An "at" campaign is itself
// queued when due; a recurring or life-stage one stays 'scheduled' and each occurrence
// becomes a new campaign row (a delivery) with the same messages, recorded in
// campaign_occurrences under the key (tenant, campaign, JST minute): a second process or a
// restart that reaches the same occurrence finds the key and sends nothing.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "core/json.h"
#include "delivery/timing.h"
#include "store/db.h"

namespace mg::delivery {

struct DeliverySettings {
  bool approval_required = false;  // 配信には承認が必要
  bool garbage_reminders = false;
  int reminder_hour = 19, reminder_minute = 0;  // the evening before, JST
  std::string area_attribute = "garbage_area";  // the resident's ごみ収集地区 (5374 地名)
  std::string time_attribute = "garbage_reminder_time";  // "HH:MM" a resident chose
};
DeliverySettings load_settings(store::Tx& tx, int64_t tenant_id);
void save_settings(store::Tx& tx, int64_t tenant_id, const DeliverySettings& s, int64_t now_ms);
Json to_json(const DeliverySettings& s);
// ApiError 400 with the field on bad input; keys not given keep their value in `base`.
DeliverySettings settings_from_json(const Json& body, DeliverySettings base);

// The campaign's timing; nullopt for "now" (no row).
std::optional<Timing> timing_of(store::Tx& tx, int64_t tenant_id, int64_t campaign_id);
std::optional<int64_t> next_run_of(store::Tx& tx, int64_t tenant_id, int64_t campaign_id);
// Stores (or for "now" removes) the timing of a draft or rejected campaign; ApiError 409
// otherwise, 400 for a life-stage timing whose attribute is not a date or whose audience is a
// list of residents.
void set_timing(store::Tx& tx, int64_t tenant_id, int64_t campaign_id, const Timing& t);

struct Occurrence {
  std::string key;
  int64_t occurrence_at = 0;
  std::optional<int64_t> delivery_id;  // none: no resident matched that day (life-stage)
  int64_t recipients = 0;
  int64_t created_at = 0;
};
std::vector<Occurrence> occurrences_of(store::Tx& tx, int64_t tenant_id, int64_t campaign_id,
                                       int limit);

struct Approval {
  int64_t id = 0;
  int64_t campaign_id = 0;
  int64_t requested_by = 0;
  int64_t requested_at = 0;
  std::string decision;  // pending | approved | rejected
  std::optional<int64_t> decided_by, decided_at;
  std::string reason;
};
Json to_json(const Approval& a);
std::optional<Approval> latest_approval(store::Tx& tx, int64_t tenant_id, int64_t campaign_id);
std::vector<Approval> pending_approvals(store::Tx& tx, int64_t tenant_id, int limit);

// POST /send: draft or rejected -> pending_approval when the tenant requires approval, else
// released. ApiError 404/409. Returns the new status. Audits.
std::string request_send(store::Tx& tx, const auth::Principal& who, int64_t id, int64_t now_ms);
// An admin other than the one who created or asked to send it (ApiError 403 otherwise).
void approve(store::Tx& tx, const auth::Principal& who, int64_t id, int64_t now_ms);
void reject(store::Tx& tx, const auth::Principal& who, int64_t id, const std::string& reason,
            int64_t now_ms);

// One sweep at `now_ms`: every campaign whose next occurrence is due fires it once (each in
// its own transaction), across tenants. Returns the deliveries created or queued.
int sweep_timings(store::Db& db, int64_t now_ms);

}  // namespace mg::delivery
