#include "reservations/routes.h"

#include <algorithm>
#include <map>
#include <memory>

#include "core/clock.h"
#include "core/csv.h"
#include "core/errors.h"
#include "reservations/ledger.h"
#include "reservations/lottery.h"
#include "reservations/notices.h"
#include "reservations/report.h"
#include "reservations/waitlist.h"
#include "residents/condition.h"
#include "residents/segments.h"

namespace mg::reservations {

namespace {

namespace chr = std::chrono;
constexpr int64_t kDayMs = 24 * 3600 * 1000;

int64_t path_id(const http::Request& req, const std::string& name, const char* what) {
  const std::string& raw = req.params.at(name);
  if (raw.empty() || raw.size() > 18 || raw.find_first_not_of("0123456789") != std::string::npos)
    throw ApiError::not_found(std::string(what) + "が見つかりません");
  int64_t v = std::stoll(raw);
  if (v <= 0) throw ApiError::not_found(std::string(what) + "が見つかりません");
  return v;
}

int64_t int_field(const Json& body, const char* key, int64_t min, int64_t max,
                  std::optional<int64_t> fallback, const std::string& label) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    if (fallback) return *fallback;
    throw ApiError::bad_request(label + "を入れてください", key);
  }
  if (!it->is_number_integer() || it->get<int64_t>() < min || it->get<int64_t>() > max)
    throw ApiError::bad_request(
        label + "は " + std::to_string(min) + "〜" + std::to_string(max) + " の整数です", key);
  return it->get<int64_t>();
}

std::string text_field(const Json& body, const char* key, std::size_t max_bytes, bool required,
                       const std::string& label) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null() ||
      (it->is_string() && it->get_ref<const std::string&>().empty())) {
    if (required) throw ApiError::bad_request(label + "を入れてください", key);
    return "";
  }
  if (!it->is_string()) throw ApiError::bad_request(label + "は文字で入れてください", key);
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_bytes) throw ApiError::bad_request(label + "が長すぎます", key);
  return s;
}

bool bool_field(const Json& body, const char* key, bool fallback) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_boolean())
    throw ApiError::bad_request(std::string(key) + " は true か false です", key);
  return it->get<bool>();
}

std::optional<int64_t> optional_id(const Json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer() || it->get<int64_t>() <= 0)
    throw ApiError::bad_request(std::string(key) + " は番号で指定します", key);
  return it->get<int64_t>();
}

// The rule settings of a resource, and back.
RuleSettings rule_settings(const Resource& r) {
  return {r.window_mode, r.book_lead, r.cancel_lead,          r.period_limit,
          r.period_unit, r.max_slots, r.waitlist_hold_minutes};
}
void apply(Resource& r, const RuleSettings& s) {
  r.window_mode = s.window_mode;
  r.book_lead = s.book_lead;
  r.cancel_lead = s.cancel_lead;
  r.period_limit = s.period_limit;
  r.period_unit = s.period_unit;
  r.max_slots = s.max_slots;
  r.waitlist_hold_minutes = s.waitlist_hold_minutes;
}

Json category_json(const Category& c) {
  return {{"id", c.id}, {"name", c.name}, {"parent_id", c.parent_id ? Json(*c.parent_id) : Json()}};
}

Json resource_json(const Resource& r, bool staff) {
  Json j = {{"id", r.id},
            {"category_id", r.category_id ? Json(*r.category_id) : Json()},
            {"name", r.name},
            {"description", r.description},
            {"slot_minutes", r.calendar.slot_minutes},
            {"capacity", r.capacity},
            {"opening_hours", to_json(r.calendar.weekly)},
            {"closed_on_holidays", r.calendar.closed_on_holidays},
            {"window_days", r.window_days},
            {"daily_limit", r.daily_limit},
            {"stopped", r.stopped}};
  j.update(to_json(rule_settings(r)));
  j["pin_enabled"] = r.pin_enabled;
  j["reminder"] = {{"days_before", r.reminder_days_before}, {"time", r.reminder_time}};
  Json special = Json::array();
  for (const auto& s : r.calendar.special)
    special.push_back({{"date", format_date(s.date)},
                       {"closed", s.closed},
                       {"hours", intervals_json(s.hours)},
                       {"note", s.note}});
  j["special_days"] = special;
  j.update(to_json(r.terms));
  // Residents see who may book, not which saved segment decides it.
  if (!staff) j.erase("eligibility_segment_id");
  return j;
}

Json booking_json(const Booking& b, bool staff) {
  Json j = {{"id", b.id},
            {"resource_id", b.resource_id},
            {"slot", format_slot(b.slot_start)},
            {"party", b.party},
            {"status", b.status},
            {"slots", b.slots},
            {"group_id", b.group_id ? Json(*b.group_id) : Json()},
            {"created_at", b.created_at},
            {"updated_at", b.updated_at},
            {"fee", b.fee},
            {"exemption", b.exemption.empty() ? Json() : Json(b.exemption)},
            {"exemption_label", b.exemption_label}};
  if (staff) {
    j["source"] = b.staff_id ? "staff" : "resident";
    j["resident_id"] = b.resident_id ? Json(*b.resident_id) : Json();
    j["staff_id"] = b.staff_id ? Json(*b.staff_id) : Json();
    j["note"] = b.note;
    j["reason"] = b.reason;
    j["contact_name"] = b.contact_name;
    j["contact_phone"] = b.contact_phone;
    j["checked_in_at"] = b.checked_in_at ? Json(*b.checked_in_at) : Json();
    j["checked_in_by"] = b.checked_in_by ? Json(*b.checked_in_by) : Json();
    j["changed_to"] = b.changed_to ? Json(*b.changed_to) : Json();
  }
  return j;
}

// The whole resource from a staff body (POST and PUT both send every field). The booking
// rules of migration 24 keep their stored values when absent, so a client that predates them
// does not reset them.
Resource resource_from(store::Tx& tx, int64_t tenant_id, const Json& body,
                       const Resource& base = Resource{}) {
  Resource r = base;
  r.calendar.special.clear();
  r.tenant_id = tenant_id;
  r.name = text_field(body, "name", 200, true, "名前");
  r.description = text_field(body, "description", 4000, false, "説明");
  r.category_id = optional_id(body, "category_id");
  if (r.category_id && !find_category(tx, tenant_id, *r.category_id))
    throw ApiError::bad_request("分類が見つかりません", "category_id");
  r.calendar.slot_minutes =
      static_cast<int>(int_field(body, "slot_minutes", 5, 1440, std::nullopt, "枠の長さ（分）"));
  r.capacity = static_cast<int>(int_field(body, "capacity", 1, 10000, std::nullopt, "定員"));
  r.window_days = static_cast<int>(int_field(body, "window_days", 0, 730, 90, "受付期間（日）"));
  r.daily_limit = static_cast<int>(int_field(body, "daily_limit", 0, 100, 1, "1 日の上限"));
  r.calendar.closed_on_holidays = bool_field(body, "closed_on_holidays", true);
  r.stopped = bool_field(body, "stopped", false);
  apply(r, parse_rule_settings(body, rule_settings(base)));
  // Messages and check-in (migration 31); absent fields keep their stored values.
  r.pin_enabled = bool_field(body, "pin_enabled", base.pin_enabled);
  if (auto rem = body.find("reminder"); rem != body.end() && !rem->is_null()) {
    if (!rem->is_object())
      throw ApiError::bad_request("リマインダーは {days_before, time} で指定します", "reminder");
    r.reminder_days_before =
        static_cast<int>(int_field(*rem, "days_before", -1, 7, base.reminder_days_before,
                                   "リマインダーの日数（-1 で送らない）"));
    r.reminder_time = text_field(*rem, "time", 5, false, "リマインダーの時刻");
    if (r.reminder_time.empty()) r.reminder_time = base.reminder_time;
    if (!valid_reminder_time(r.reminder_time))
      throw ApiError::bad_request("リマインダーの時刻は 18:00 の形で書きます", "reminder");
  }
  r.terms = parse_booking_terms(body, base.terms);
  // The eligibility must be one the residents' condition compiler can evaluate now.
  if (r.terms.eligibility == Eligibility::segment &&
      !residents::find_segment(tx, tenant_id, *r.terms.eligibility_segment_id))
    throw ApiError::bad_request("セグメントが見つかりません", "eligibility_segment_id");
  if (r.terms.eligibility == Eligibility::residents) {
    try {
      residents::compile_condition(residents_condition(),
                                   residents::load_definitions(tx, tenant_id), tenant_id);
    } catch (const ApiError&) {
      throw ApiError::bad_request(
          "「市内にお住まいの方のみ」には、住民の属性 segment（resident = 市内・村内）の定義が"
          "必要です",
          "eligibility");
    }
  }
  r.calendar.weekly = parse_opening_hours(body.value("opening_hours", Json::object()));
  if (auto s = body.find("special_days"); s != body.end() && !s->is_null()) {
    if (!s->is_array() || s->size() > 400)
      throw ApiError::bad_request("特別な日は 400 日分までの一覧です", "special_days");
    for (const auto& d : *s) {
      if (!d.is_object()) throw ApiError::bad_request("特別な日の書き方が違います", "special_days");
      SpecialDay day;
      auto date = parse_date(d.value("date", Json("")).is_string() ? d.value("date", "") : "");
      if (!date) throw ApiError::bad_request("日付は 2026-12-29 の形で書きます", "special_days");
      day.date = *date;
      day.closed = bool_field(d, "closed", true);
      if (!day.closed) day.hours = parse_intervals(d.value("hours", Json::array()), "special_days");
      day.note = text_field(d, "note", 200, false, "特別な日のメモ");
      if (std::any_of(r.calendar.special.begin(), r.calendar.special.end(),
                      [&](const SpecialDay& o) { return o.date == day.date; }))
        throw ApiError::bad_request(format_date(day.date) + " が 2 回あります", "special_days");
      r.calendar.special.push_back(std::move(day));
    }
  }
  return r;
}

// ?from=YYYY-MM-DD (default today in JST) &days=N (1..max, default 7).
std::pair<Date, int> day_range(const http::Request& req, int max_days) {
  Date from = jst_date(clock::now_ms());
  if (auto f = req.query.find("from"); f != req.query.end()) {
    auto d = parse_date(f->second);
    if (!d) throw ApiError::bad_request("from は 2026-04-01 の形で書きます", "from");
    from = *d;
  }
  int n = 7;
  if (auto q = req.query.find("days"); q != req.query.end()) {
    const auto& s = q->second;
    n = (s.empty() || s.size() > 3 || s.find_first_not_of("0123456789") != std::string::npos)
            ? -1
            : std::stoi(s);
    if (n < 1 || n > max_days)
      throw ApiError::bad_request("days は 1〜" + std::to_string(max_days) + " です", "days");
  }
  return {from, n};
}

Json availability(store::Tx& tx, const Resource& r, Date from, int days, int64_t now) {
  int64_t from_ms = jst_midnight_ms(from), to_ms = from_ms + int64_t{days} * kDayMs;
  std::map<int64_t, int64_t> booked;
  for (const auto& [start, sum] : booked_per_slot(tx, r.id, from_ms, to_ms)) booked[start] = sum;
  std::map<int64_t, int64_t> held;  // places waitlist offers hold
  for (const auto& [start, sum] : held_per_slot(tx, r.id, from_ms, to_ms, now)) held[start] = sum;
  auto in_lottery = lottery_held_slots(tx, r.tenant_id, r.id, from_ms, to_ms);
  Json out = Json::array();
  for (int i = 0; i < days; ++i) {
    Date d{chr::sys_days{from} + chr::days{i}};
    Json slots = Json::array();
    for (int64_t s : slots_on(r.calendar, d)) {
      int64_t taken = booked.count(s) ? booked[s] : 0;
      int64_t on_offer = held.count(s) ? held[s] : 0;
      int64_t remaining = std::max<int64_t>(0, r.capacity - taken - on_offer);
      bool lottery = std::binary_search(in_lottery.begin(), in_lottery.end(), s);
      bool open = !lottery && !window_refusal(r.window_mode, r.window_days, s, now) &&
                  lead_met(r.book_lead, r.calendar, s, now);
      slots.push_back(
          {{"start", format_slot(s)},
           {"capacity", r.capacity},
           {"booked", taken},
           {"held", on_offer},
           {"remaining", remaining},
           {"lottery", lottery},
           {"bookable", !r.stopped && remaining > 0 && open},
           {"waitlist", !r.stopped && remaining == 0 && open && r.waitlist_hold_minutes > 0}});
    }
    auto why = closed_reason(r.calendar, d);
    out.push_back(
        {{"date", format_date(d)}, {"closed", why ? Json(*why) : Json()}, {"slots", slots}});
  }
  return out;
}

void require_json(const http::Request& req) {
  // A JSON content type forces a CORS preflight, so other sites cannot book in a resident's
  // name with their cookie.
  auto ct = req.header("content-type");
  if (!ct || ct->rfind("application/json", 0) != 0)
    throw ApiError(415, "unsupported_type", "Content-Type: application/json で送ってください");
}

int64_t slot_of(const Json& body) {
  auto it = body.find("slot");
  if (it == body.end() || !it->is_string())
    throw ApiError::bad_request("枠を 2026-12-01T09:00 の形で指定してください", "slot");
  auto s = parse_slot(it->get<std::string>());
  if (!s) throw ApiError::bad_request("枠を 2026-12-01T09:00 の形で指定してください", "slot");
  return *s;
}

// A change request's body: {slot, reason?}; only an object.
Json change_body(const http::Request& req) {
  Json body = req.json_body();
  if (!body.is_object()) throw ApiError::bad_request("オブジェクトで送ってください");
  return body;
}

// {token}: a check-in code as typed or scanned (hyphens, lower case and spaces allowed).
std::string checkin_code_of(const Json& body) {
  if (!body.is_object()) throw ApiError::bad_request("オブジェクトで送ってください");
  auto it = body.find("token");
  if (it == body.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
    throw ApiError::bad_request("受付コードを入れてください", "token");
  auto code = parse_checkin_code(it->get_ref<const std::string&>());
  if (!code)
    throw ApiError::bad_request("受付コードは 16 文字（例 ABCD-EFGH-JKMN-PQRS）です", "token");
  return *code;
}

http::Response with_cookie(http::Response res, const PublicResident& who) {
  if (who.set_cookie) res.header("Set-Cookie", *who.set_cookie);
  return res;
}

std::string escape_ics(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == ';' || c == ',') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c != '\r') out.push_back(c);
  }
  return out;
}

}  // namespace

void mount(http::Router& router, auth::AuthService& auth, store::Db& db, ResidentOf resident_of) {
  mount_lottery(router, auth, db, resident_of);
  // ---- staff: categories ----
  router.get("/api/resource-categories", [&](http::Request& req) {
    auto who = auth.require(req);
    Json out = Json::array();
    for (const auto& c : db.read([&](store::Tx& tx) { return list_categories(tx, who.tenant_id); }))
      out.push_back(category_json(c));
    return http::Response::json({{"categories", out}});
  });

  auto check_parent = [](store::Tx& tx, int64_t tenant_id, std::optional<int64_t> parent,
                         std::optional<int64_t> self) {
    if (!parent) return;
    if (!find_category(tx, tenant_id, *parent))
      throw ApiError::bad_request("上の分類が見つかりません", "parent_id");
    // No cycles; at most three levels, counting the moved category's own subcategories.
    auto all = list_categories(tx, tenant_id);
    std::map<int64_t, std::optional<int64_t>> parent_of;
    for (const auto& c : all) parent_of[c.id] = c.parent_id;
    int depth = 0;
    for (std::optional<int64_t> at = parent; at && depth < 10; at = parent_of[*at]) {
      if (self && *at == *self)
        throw ApiError::bad_request("分類を自分の下には置けません", "parent_id");
      ++depth;
    }
    int below = 0;
    if (self) {
      for (const auto& c : all) {
        int d = 0;
        for (std::optional<int64_t> at = c.id; at && d < 10; at = parent_of[*at], ++d)
          if (*at == *self) {
            below = std::max(below, d);
            break;
          }
      }
    }
    if (depth + 1 + below > 3) throw ApiError::bad_request("分類は 3 段までです", "parent_id");
  };

  router.post("/api/resource-categories", [&, check_parent](http::Request& req) {
    auto who = auth.require(req, auth::Role::editor);
    Json body = req.json_body();
    auto name = text_field(body, "name", 200, true, "分類の名前");
    auto parent = optional_id(body, "parent_id");
    auto c = db.write([&](store::Tx& tx) {
      check_parent(tx, who.tenant_id, parent, std::nullopt);
      Category c{insert_category(tx, who.tenant_id, name, parent, clock::now_ms()), name, parent};
      auth::audit(tx, who, "resource_category.create", "resource_category", std::to_string(c.id));
      return c;
    });
    return http::Response::json(category_json(c), 201);
  });

  router.put("/api/resource-categories/{id}", [&, check_parent](http::Request& req) {
    auto who = auth.require(req, auth::Role::editor);
    int64_t id = path_id(req, "id", "分類");
    Json body = req.json_body();
    auto name = text_field(body, "name", 200, true, "分類の名前");
    auto parent = optional_id(body, "parent_id");
    auto c = db.write([&](store::Tx& tx) {
      if (!find_category(tx, who.tenant_id, id)) throw ApiError::not_found("分類が見つかりません");
      check_parent(tx, who.tenant_id, parent, id);
      update_category(tx, who.tenant_id, id, name, parent, clock::now_ms());
      auth::audit(tx, who, "resource_category.update", "resource_category", std::to_string(id));
      return Category{id, name, parent};
    });
    return http::Response::json(category_json(c));
  });

  router.del("/api/resource-categories/{id}", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::editor);
    int64_t id = path_id(req, "id", "分類");
    db.write([&](store::Tx& tx) {
      if (!find_category(tx, who.tenant_id, id)) throw ApiError::not_found("分類が見つかりません");
      if (!delete_category(tx, who.tenant_id, id))
        throw ApiError(409, "in_use", "下に分類か予約の対象があるため消せません");
      auth::audit(tx, who, "resource_category.delete", "resource_category", std::to_string(id));
    });
    return http::Response::json({{"deleted", true}});
  });

  // ---- staff: resources ----
  router.get("/api/resources", [&](http::Request& req) {
    auto who = auth.require(req);
    Json out = Json::array();
    for (const auto& r : db.read([&](store::Tx& tx) { return list_resources(tx, who.tenant_id); }))
      out.push_back(resource_json(r, true));
    return http::Response::json({{"resources", out}});
  });

  router.post("/api/resources", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::editor);
    Json body = req.json_body();
    auto r = db.write([&](store::Tx& tx) {
      Resource r = resource_from(tx, who.tenant_id, body);
      r.id = insert_resource(tx, r, clock::now_ms());
      auth::audit(tx, who, "resource.create", "resource", std::to_string(r.id));
      return r;
    });
    return http::Response::json(resource_json(r, true), 201);
  });

  router.get("/api/resources/{id}", [&](http::Request& req) {
    auto who = auth.require(req);
    int64_t id = path_id(req, "id", "予約の対象");
    auto r = db.read([&](store::Tx& tx) { return find_resource(tx, who.tenant_id, id); });
    if (!r) throw ApiError::not_found("予約の対象が見つかりません");
    return http::Response::json(resource_json(*r, true));
  });

  router.put("/api/resources/{id}", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::editor);
    int64_t id = path_id(req, "id", "予約の対象");
    Json body = req.json_body();
    auto r = db.write([&](store::Tx& tx) {
      auto existing = find_resource(tx, who.tenant_id, id);
      if (!existing) throw ApiError::not_found("予約の対象が見つかりません");
      Resource r = resource_from(tx, who.tenant_id, body, *existing);
      r.id = id;
      update_resource(tx, r, clock::now_ms());
      auth::audit(tx, who, "resource.update", "resource", std::to_string(id));
      return r;
    });
    return http::Response::json(resource_json(r, true));
  });

  router.del("/api/resources/{id}", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::editor);
    int64_t id = path_id(req, "id", "予約の対象");
    db.write([&](store::Tx& tx) {
      if (!find_resource(tx, who.tenant_id, id))
        throw ApiError::not_found("予約の対象が見つかりません");
      if (booking_count(tx, id) > 0)
        throw ApiError(409, "in_use", "予約があるため消せません。受付を止めてください");
      delete_resource(tx, who.tenant_id, id);
      auth::audit(tx, who, "resource.delete", "resource", std::to_string(id));
    });
    return http::Response::json({{"deleted", true}});
  });

  // ---- staff: the ledger ----
  router.get("/api/resources/{id}/bookings", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::operator_);
    int64_t id = path_id(req, "id", "予約の対象");
    auto range = day_range(req, 31);  // not a structured binding: clang 14 cannot capture one
    Date from = range.first;
    int days = range.second;
    int64_t now = clock::now_ms();
    return db.read([&](store::Tx& tx) {
      auto r = find_resource(tx, who.tenant_id, id);
      if (!r) throw ApiError::not_found("予約の対象が見つかりません");
      int64_t from_ms = jst_midnight_ms(from);
      Json bookings = Json::array();
      auto rows = ledger(tx, id, from_ms, from_ms + int64_t{days} * kDayMs, 5001);
      for (std::size_t i = 0; i < rows.size() && i < 5000; ++i)
        bookings.push_back(booking_json(rows[i], true));
      return http::Response::json({{"resource", resource_json(*r, true)},
                                   {"days", availability(tx, *r, from, days, now)},
                                   {"bookings", bookings},
                                   {"truncated", rows.size() > 5000}});
    });
  });

  router.post("/api/resources/{id}/bookings", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::operator_);
    BookingRequest b;
    b.tenant_id = who.tenant_id;
    b.resource_id = path_id(req, "id", "予約の対象");
    Json body = req.json_body();
    b.slot_start = slot_of(body);
    b.party = static_cast<int>(int_field(body, "party", 1, 10000, 1, "人数"));
    b.note = text_field(body, "note", 1000, false, "メモ");
    b.slots = static_cast<int>(int_field(body, "slots", 1, 48, 1, "枠の数"));
    b.exemption = text_field(body, "exemption", 40, false, "減免の区分");
    // Who called, for a phone or counter booking (staff console); both optional here.
    b.contact_name = text_field(body, "contact_name", 200, false, "お名前");
    b.contact_phone = text_field(body, "contact_phone", 40, false, "電話番号");
    if (b.contact_phone.find_first_not_of("0123456789-+() ") != std::string::npos ||
        std::count_if(b.contact_phone.begin(), b.contact_phone.end(),
                      [](char c) { return c >= '0' && c <= '9'; }) > 15 ||
        (!b.contact_phone.empty() && std::none_of(b.contact_phone.begin(), b.contact_phone.end(),
                                                  [](char c) { return c >= '0' && c <= '9'; })))
      throw ApiError::bad_request(
          "電話番号は半角の数字とハイフンで入れてください（例 0120-123-456）", "contact_phone");
    b.staff = who;
    return http::Response::json(booking_json(book(db, b, clock::now_ms()), true), 201);
  });

  router.post("/api/bookings/{id}/cancel", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::operator_);
    int64_t id = path_id(req, "id", "予約");
    Json body = req.json_body();
    auto reason = text_field(body, "reason", 1000, true, "取り消しの理由");
    auto b = cancel(db, who.tenant_id, id, std::nullopt, who, reason, clock::now_ms());
    return http::Response::json(booking_json(b, true));
  });

  // Staff move any booking to another slot, with a reason (audited; the resident is told).
  router.post("/api/bookings/{id}/change", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::operator_);
    int64_t id = path_id(req, "id", "予約");
    Json body = change_body(req);
    int64_t slot = slot_of(body);
    auto reason = text_field(body, "reason", 1000, true, "変更の理由");
    auto b = change(db, who.tenant_id, id, slot, std::nullopt, who, reason, clock::now_ms());
    return http::Response::json(booking_json(b, true));
  });

  // Check-in at the venue: the code from the booking's QR code, scanned or typed.
  router.post("/api/bookings/checkin", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::operator_);
    auto code = checkin_code_of(req.json_body());
    auto c = check_in(db, who, code, clock::now_ms());
    Json j = booking_json(c.booking, true);
    j["resource_name"] = c.resource_name;
    return http::Response::json(j);
  });

  // ---- staff console (issue 12): occupancy statistics and the CSV export ----
  // Per JST day of [from, from + days): slots offered, places (slots × capacity), places
  // booked, bookings and cancellations. Up to a year, so a period can be compared.
  router.get("/api/resources/{id}/stats", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::operator_);
    int64_t id = path_id(req, "id", "予約の対象");
    auto range = day_range(req, 366);
    Date from = range.first;
    int days = range.second;
    return db.read([&](store::Tx& tx) {
      auto r = find_resource(tx, who.tenant_id, id);
      if (!r) throw ApiError::not_found("予約の対象が見つかりません");
      int64_t from_ms = jst_midnight_ms(from);
      std::map<int64_t, DayCounts> per_day;  // JST midnight -> counts
      for (const auto& c : slot_counts(tx, id, from_ms, from_ms + int64_t{days} * kDayMs)) {
        auto& d = per_day[jst_midnight_ms(jst_date(c.slot_start))];
        d.booked_party += c.booked_party;
        d.booked += c.booked;
        d.cancelled += c.cancelled;
      }
      Json out = Json::array();
      int64_t t_slots = 0, t_places = 0, t_party = 0, t_booked = 0, t_cancelled = 0;
      for (int i = 0; i < days; ++i) {
        Date d{chr::sys_days{from} + chr::days{i}};
        int64_t slots = static_cast<int64_t>(slots_on(r->calendar, d).size());
        int64_t places = slots * r->capacity;
        DayCounts c = per_day[jst_midnight_ms(d)];
        auto why = closed_reason(r->calendar, d);
        out.push_back({{"date", format_date(d)},
                       {"closed", why ? Json(*why) : Json()},
                       {"slots", slots},
                       {"places", places},
                       {"booked_party", c.booked_party},
                       {"bookings", c.booked},
                       {"cancelled", c.cancelled}});
        t_slots += slots;
        t_places += places;
        t_party += c.booked_party;
        t_booked += c.booked;
        t_cancelled += c.cancelled;
      }
      return http::Response::json(
          {{"resource", {{"id", r->id}, {"name", r->name}, {"capacity", r->capacity}}},
           {"from", format_date(from)},
           {"days", out},
           {"total",
            {{"slots", t_slots},
             {"places", t_places},
             {"booked_party", t_party},
             {"bookings", t_booked},
             {"cancelled", t_cancelled}}}});
    });
  });

  // The bookings of one resource and period for Excel: UTF-8 with a BOM, CRLF, every text
  // cell through csv::field (formula injection). Personal data: audited like other exports.
  router.get("/api/resources/{id}/bookings.csv", [&](http::Request& req) {
    auto who = auth.require(req, auth::Role::operator_);
    int64_t id = path_id(req, "id", "予約の対象");
    auto range = day_range(req, 366);
    Date from = range.first;
    int days = range.second;
    auto r = db.read([&](store::Tx& tx) { return find_resource(tx, who.tenant_id, id); });
    if (!r) throw ApiError::not_found("予約の対象が見つかりません");
    http::Response res;
    res.content_type = "text/csv; charset=utf-8";
    res.header("Content-Disposition", "attachment; filename=\"bookings-" + std::to_string(id) +
                                          "-" + format_date(from) + ".csv\"");
    if (req.method == "HEAD") return res;
    db.write([&](store::Tx& tx) {
      auth::audit(tx, who, "booking.export", "resource", std::to_string(id),
                  {{"from", format_date(from)}, {"days", days}});
    });
    struct State {
      int day = -1;  // -1: the header is next
    };
    auto st = std::make_shared<State>();
    std::string name = r->name;
    int64_t from_ms = jst_midnight_ms(from);
    // A week per chunk, each its own short read.
    res.stream = [this_db = &db, st, id, name, from_ms, days](std::string& out) {
      if (st->day < 0) {
        out =
            "\xEF\xBB\xBF予約番号,施設・窓口,日付,時刻,人数,状態,受付,お名前,電話番号,メモ,"
            "取り消しの理由,登録日時,更新日時,来場受付,利用料（円）,減免\r\n";
        st->day = 0;
        return true;
      }
      int64_t a = from_ms + int64_t{st->day} * kDayMs;
      int n = std::min(7, days - st->day);
      auto rows = this_db->read(
          [&](store::Tx& tx) { return ledger(tx, id, a, a + int64_t{n} * kDayMs, 1000000); });
      for (const auto& b : rows) {
        std::string slot = format_slot(b.slot_start);  // YYYY-MM-DDTHH:MM
        out += std::to_string(b.id) + "," + csv::field(name) + "," + slot.substr(0, 10) + "," +
               slot.substr(11) + "," + std::to_string(b.party) + "," +
               (b.status == "booked" ? "予約" : "取り消し") + "," +
               (b.staff_id ? "職員（電話・窓口）" : "住民") + "," + csv::field(b.contact_name) +
               "," + csv::field(b.contact_phone) + "," + csv::field(b.note) + "," +
               csv::field(b.reason) + "," + clock::format_jst(b.created_at, "%Y-%m-%d %H:%M:%S") +
               "," + clock::format_jst(b.updated_at, "%Y-%m-%d %H:%M:%S") + "," +
               (b.checked_in_at ? clock::format_jst(*b.checked_in_at, "%Y-%m-%d %H:%M:%S")
                                : std::string()) +
               "," + std::to_string(b.fee) + "," + csv::field(b.exemption_label) + "\r\n";
      }
      st->day += n;
      return st->day < days;
    };
    return res;
  });

  // ---- public ----
  auto tenant_of = [&auth](const http::Request& req) {
    auto t = auth.tenant_by_code(req.params.at("tenant"));
    if (!t) throw ApiError::not_found("自治体が見つかりません");
    return *t;
  };
  auto public_resource = [&db](int64_t tenant_id, int64_t id) {
    auto r = db.read([&](store::Tx& tx) { return find_resource(tx, tenant_id, id); });
    if (!r) throw ApiError::not_found("予約の対象が見つかりません");
    return std::move(*r);
  };

  router.get("/api/public/{tenant}/resources", [&, tenant_of](http::Request& req) {
    auto t = tenant_of(req);
    return db.read([&](store::Tx& tx) {
      Json cats = Json::array(), res = Json::array();
      for (const auto& c : list_categories(tx, t.id)) cats.push_back(category_json(c));
      for (const auto& r : list_resources(tx, t.id)) {
        Json j = resource_json(r, false);
        j["availability"] =
            "/api/public/" + t.code + "/resources/" + std::to_string(r.id) + "/availability";
        res.push_back(j);
      }
      return http::Response::json({{"categories", cats}, {"resources", res}});
    });
  });

  router.get("/api/public/{tenant}/resources/{id}/availability", [&, tenant_of, public_resource](
                                                                     http::Request& req) {
    auto t = tenant_of(req);
    auto r = public_resource(t.id, path_id(req, "id", "予約の対象"));
    auto range = day_range(req, 31);  // not a structured binding: clang 14 cannot capture one
    Date from = range.first;
    int days = range.second;
    int64_t now = clock::now_ms();
    Json out = db.read([&](store::Tx& tx) { return availability(tx, r, from, days, now); });
    return http::Response::json(
        {{"resource", {{"id", r.id}, {"name", r.name}}}, {"stopped", r.stopped}, {"days", out}});
  });

  router.post("/api/public/{tenant}/resources/{id}/bookings", [&, resident_of, public_resource](
                                                                  http::Request& req) {
    require_json(req);
    // A known resident is only read (with the tenant, in one read): the booking is
    // then the one write transaction of the request. A new one is created only for
    // a resource that exists and a valid body, so a refused call leaves nothing
    // behind.
    auto who = resident_of(req, false);
    BookingRequest b;
    b.tenant_id = who.tenant_id;
    b.resource_id = path_id(req, "id", "予約の対象");
    if (!who.resident_id) public_resource(b.tenant_id, b.resource_id);
    Json body = req.json_body();
    b.slot_start = slot_of(body);
    b.party = static_cast<int>(int_field(body, "party", 1, 10000, 1, "人数"));
    b.slots = static_cast<int>(int_field(body, "slots", 1, 48, 1, "枠の数"));
    b.exemption = text_field(body, "exemption", 40, false, "減免の区分");
    if (!who.resident_id) who = resident_of(req, true);
    b.resident_id = who.resident_id;
    return with_cookie(http::Response::json(booking_json(book(db, b, clock::now_ms()), false), 201),
                       who);
  });

  router.get("/api/public/{tenant}/bookings", [&, tenant_of, resident_of](http::Request& req) {
    auto t = tenant_of(req);
    auto who = resident_of(req, false);
    Json out = Json::array();
    if (who.resident_id)
      db.read([&](store::Tx& tx) {
        tx.each(
            "SELECT b.id, b.resource_id, b.slot_start, b.party, b.status, r.name, b.pin, "
            "b.checkin_token, b.checked_in_at, r.slot_minutes, b.group_id, b.changed_to, "
            "(SELECT COUNT(*) FROM bookings g WHERE g.tenant_id = b.tenant_id AND g.group_id = "
            "b.id), b.fee, b.exemption_label FROM bookings b JOIN resources r ON r.id = "
            "b.resource_id WHERE b.tenant_id = ? "
            "AND b.resident_id = ? ORDER BY b.slot_start DESC LIMIT 200",
            {t.id, who.resident_id}, [&](const store::Row& row) {
              Json j = {{"id", row.i64(0)},
                        {"resource_id", row.i64(1)},
                        {"slot", format_slot(row.i64(2))},
                        {"party", row.i64(3)},
                        {"status", row.str(4)},
                        {"resource_name", row.str(5)},
                        {"checked_in_at", row.is_null(8) ? Json() : Json(row.i64(8))},
                        {"group_id", row.is_null(10) ? Json() : Json(row.i64(10))},
                        {"changed_to", row.is_null(11) ? Json() : Json(row.i64(11))},
                        {"fee", row.i64(13)},
                        {"exemption_label", row.str(14)}};
              // The resident's own PIN and check-in code, while the booking stands: the PIN
              // opens the door from the slot's start to its end.
              if (row.str(4) == "booked" && !row.str(7).empty()) {
                int64_t end = row.i64(2) + std::max<int64_t>(1, row.i64(12)) * row.i64(9) * 60000;
                j["checkin_code"] = format_checkin_code(row.str(7));
                j["qr_svg"] = "/api/public/" + t.code + "/checkin/" + row.str(7) + "/qr.svg";
                if (!row.str(6).empty())
                  j["pin"] = {{"code", row.str(6)},
                              {"valid_from", format_slot(row.i64(2))},
                              {"valid_until", format_slot(end)}};
              }
              out.push_back(std::move(j));
              return true;
            });
      });
    return with_cookie(http::Response::json({{"bookings", out}}), who);
  });

  router.post("/api/public/{tenant}/resources/{id}/bookings/{booking_id}/cancel",
              [&, tenant_of, resident_of](http::Request& req) {
                require_json(req);
                auto t = tenant_of(req);
                int64_t resource_id = path_id(req, "id", "予約の対象");
                int64_t booking_id = path_id(req, "booking_id", "予約");
                auto who = resident_of(req, false);
                if (!who.resident_id) throw ApiError::not_found("予約が見つかりません");
                auto existing =
                    db.read([&](store::Tx& tx) { return find_booking(tx, t.id, booking_id); });
                if (!existing || existing->resource_id != resource_id)
                  throw ApiError::not_found("予約が見つかりません");
                auto b = cancel(db, t.id, booking_id, who.resident_id, std::nullopt,
                                "住民による取り消し", clock::now_ms());
                return with_cookie(http::Response::json(booking_json(b, false)), who);
              });

  // A resident moves their booking to another slot of the same resource, within the rules.
  router.post("/api/public/{tenant}/bookings/{booking_id}/change", [&, tenant_of, resident_of](
                                                                       http::Request& req) {
    require_json(req);
    auto t = tenant_of(req);
    int64_t booking_id = path_id(req, "booking_id", "予約");
    auto who = resident_of(req, false);
    if (!who.resident_id) throw ApiError::not_found("予約が見つかりません");
    int64_t slot = slot_of(change_body(req));
    auto b = change(db, t.id, booking_id, slot, who.resident_id, std::nullopt, "", clock::now_ms());
    return with_cookie(http::Response::json(booking_json(b, false)), who);
  });

  // The QR code of a booking's check-in code: the web page's <img> (SVG) and LINE's image
  // message (PNG). The URL carries only the random code; unknown or cancelled: 404.
  for (const char* ext : {"svg", "png"}) {
    bool png = std::string(ext) == "png";
    router.get(std::string("/api/public/{tenant}/checkin/{code}/qr.") + ext,
               [&, tenant_of, png](http::Request& req) {
                 auto t = tenant_of(req);
                 auto code = parse_checkin_code(req.params.at("code"));
                 if (!code) throw ApiError::not_found("見つかりません");
                 auto b = db.read([&](store::Tx& tx) { return booking_by_code(tx, t.id, *code); });
                 if (!b || b->status != "booked") throw ApiError::not_found("見つかりません");
                 auto res = png ? http::Response::text(qr_png(*code), "image/png")
                                : http::Response::text(qr_svg(*code), "image/svg+xml");
                 res.headers.emplace_back("Cache-Control", "private, max-age=3600");
                 return res;
               });
  }

  // ---- waitlist (キャンセル待ち): staff view; residents join, accept an offer, leave ----
  auto entry_json = [](store::Tx& tx, const WaitlistEntry& e, bool staff) {
    Json j = {
        {"id", e.id},
        {"resource_id", e.resource_id},
        {"slot", format_slot(e.slot_start)},
        {"party", e.party},
        {"status", e.status},
        {"position", position(tx, e)},
        {"offer_expires_at", e.expires_at && e.status == "offered" ? Json(*e.expires_at) : Json()},
        {"booking_id", e.booking_id ? Json(*e.booking_id) : Json()},
        {"created_at", e.created_at}};
    if (staff) j["resident_id"] = e.resident_id;
    return j;
  };

  router.get("/api/resources/{id}/waitlist", [&, entry_json](http::Request& req) {
    auto who = auth.require(req, auth::Role::operator_);
    int64_t id = path_id(req, "id", "予約の対象");
    auto range = day_range(req, 31);
    Date from = range.first;
    int days = range.second;
    return db.read([&](store::Tx& tx) {
      if (!find_resource(tx, who.tenant_id, id))
        throw ApiError::not_found("予約の対象が見つかりません");
      int64_t from_ms = jst_midnight_ms(from);
      Json out = Json::array();
      for (const auto& e :
           resource_entries(tx, id, from_ms, from_ms + int64_t{days} * kDayMs, 5000))
        out.push_back(entry_json(tx, e, true));
      return http::Response::json({{"waitlist", out}});
    });
  });

  router.post("/api/public/{tenant}/resources/{id}/waitlist",
              [&, tenant_of, resident_of, public_resource, entry_json](http::Request& req) {
                require_json(req);
                auto t = tenant_of(req);
                int64_t resource_id = path_id(req, "id", "予約の対象");
                public_resource(t.id, resource_id);
                Json body = req.json_body();
                int64_t slot = slot_of(body);
                int party = static_cast<int>(int_field(body, "party", 1, 10000, 1, "人数"));
                auto who = resident_of(req, true);
                auto e = join(db, t.id, resource_id, slot, party, who.resident_id, clock::now_ms());
                Json j = db.read([&](store::Tx& tx) { return entry_json(tx, e, false); });
                return with_cookie(http::Response::json(j, 201), who);
              });

  router.get("/api/public/{tenant}/waitlist",
             [&, tenant_of, resident_of, entry_json](http::Request& req) {
               auto t = tenant_of(req);
               auto who = resident_of(req, false);
               Json out = Json::array();
               if (who.resident_id)
                 db.read([&](store::Tx& tx) {
                   for (const auto& e : resident_entries(tx, t.id, who.resident_id))
                     out.push_back(entry_json(tx, e, false));
                 });
               return with_cookie(http::Response::json({{"waitlist", out}}), who);
             });

  router.post("/api/public/{tenant}/waitlist/{entry_id}/accept",
              [&, tenant_of, resident_of](http::Request& req) {
                require_json(req);
                auto t = tenant_of(req);
                int64_t entry_id = path_id(req, "entry_id", "キャンセル待ち");
                auto who = resident_of(req, false);
                if (!who.resident_id) throw ApiError::not_found("キャンセル待ちが見つかりません");
                auto b = accept(db, t.id, entry_id, who.resident_id, clock::now_ms());
                return with_cookie(http::Response::json(booking_json(b, false), 201), who);
              });

  router.post("/api/public/{tenant}/waitlist/{entry_id}/cancel",
              [&, tenant_of, resident_of, entry_json](http::Request& req) {
                require_json(req);
                auto t = tenant_of(req);
                int64_t entry_id = path_id(req, "entry_id", "キャンセル待ち");
                auto who = resident_of(req, false);
                if (!who.resident_id) throw ApiError::not_found("キャンセル待ちが見つかりません");
                auto e = leave(db, t.id, entry_id, who.resident_id, clock::now_ms());
                Json j = db.read([&](store::Tx& tx) { return entry_json(tx, e, false); });
                return with_cookie(http::Response::json(j), who);
              });

  // Opening slots with room, for a municipality's site or a phone's calendar: the window.
  router.get("/api/public/{tenant}/resources/{id}/calendar.ics", [&, tenant_of, public_resource](
                                                                     http::Request& req) {
    auto t = tenant_of(req);
    auto r = public_resource(t.id, path_id(req, "id", "予約の対象"));
    int64_t now = clock::now_ms();
    int days = std::min(r.window_days + 1, 62);
    Date from = jst_date(now);
    Json avail = db.read([&](store::Tx& tx) { return availability(tx, r, from, days, now); });
    std::string out =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//madoguchi//reservations//JA\r\n"
        "CALSCALE:GREGORIAN\r\nX-WR-TIMEZONE:Asia/Tokyo\r\n";
    std::string stamp = clock::format_jst(now - 9 * 3600 * 1000, "%Y%m%dT%H%M%SZ");
    for (const auto& d : avail)
      for (const auto& s : d["slots"]) {
        if (!s["bookable"].get<bool>()) continue;
        int64_t start = *parse_slot(s["start"].get<std::string>());
        auto utc = [](int64_t ms) {
          return clock::format_jst(ms - 9 * 3600 * 1000, "%Y%m%dT%H%M%SZ");
        };
        out += "BEGIN:VEVENT\r\nUID:" + std::to_string(r.id) + "-" + std::to_string(start / 60000) +
               "@" + t.code + ".madoguchi\r\n";
        out += "DTSTAMP:" + stamp + "\r\nDTSTART:" + utc(start) +
               "\r\nDTEND:" + utc(start + int64_t{r.calendar.slot_minutes} * 60000) + "\r\n";
        out += "SUMMARY:" + escape_ics(r.name) + " 空き " +
               std::to_string(s["remaining"].get<int64_t>()) + "\r\n";
        out += "TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n";
      }
    out += "END:VCALENDAR\r\n";
    auto res = http::Response::text(std::move(out), "text/calendar; charset=utf-8");
    res.headers.emplace_back("Cache-Control", "public, max-age=300");
    return res;
  });
}

}  // namespace mg::reservations
