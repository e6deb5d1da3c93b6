#include "applications/reservation_slots.h"

#include <chrono>

#include "conversation/kinds/reserve.h"
#include "core/errors.h"

namespace mg::applications {

namespace conv = mg::conversation;
namespace res = mg::reservations;
namespace chr = std::chrono;

namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000;

std::optional<int64_t> id_of(const std::string& s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(s);
}

// "2026-12-05T09:00" -> "9:00"
std::string clock_of(int64_t start_ms) {
  std::string t = res::format_slot(start_ms).substr(11);
  return t[0] == '0' ? t.substr(1) : t;
}

std::map<int64_t, int64_t> booked_between(store::Tx& tx, int64_t resource_id, int64_t from,
                                          int64_t to) {
  std::map<int64_t, int64_t> booked;
  for (const auto& [start, sum] : res::booked_per_slot(tx, resource_id, from, to))
    booked[start] = sum;
  return booked;
}

}  // namespace

const std::vector<res::Resource>& LedgerSlots::loaded() const {
  if (!resources_) resources_ = res::list_resources(tx_, tenant_id_);
  return *resources_;
}

const res::Resource* LedgerSlots::find(const std::string& id) const {
  auto n = id_of(id);
  if (!n) return nullptr;
  for (const auto& r : loaded())
    if (r.id == *n && !r.stopped) return &r;
  return nullptr;
}

std::vector<conv::BookableResource> LedgerSlots::resources() const {
  std::vector<conv::BookableResource> out;
  for (const auto& r : loaded()) {
    if (r.stopped) continue;
    conv::BookableResource b;
    b.id = std::to_string(r.id);
    b.name = r.name;
    b.category_id = r.category_id ? std::to_string(*r.category_id) : std::string();
    // The party limits of the resource (the ledger refuses others anyway).
    b.capacity = r.terms.party_max > 0 ? std::min(r.terms.party_max, r.capacity) : r.capacity;
    b.party_min = std::min(std::max(1, r.terms.party_min), b.capacity);
    b.fee_per_slot = r.terms.fee_per_slot;
    for (const auto& e : r.terms.exemptions)
      b.exemptions.push_back({e.code, e.label, e.rate_percent});
    out.push_back(std::move(b));
  }
  return out;
}

std::vector<conv::BookableCategory> LedgerSlots::categories() const {
  std::vector<conv::BookableCategory> out;
  for (const auto& c : res::list_categories(tx_, tenant_id_))
    out.push_back(
        {std::to_string(c.id), c.name, c.parent_id ? std::to_string(*c.parent_id) : std::string()});
  return out;
}

std::vector<conv::Slot> LedgerSlots::available(const std::string& resource,
                                               const std::string& date) const {
  std::vector<conv::Slot> out;
  const res::Resource* r = find(resource);
  auto day = res::parse_date(date);
  if (!r || !day) return out;
  int64_t from = res::jst_midnight_ms(*day);
  auto booked = booked_between(tx_, r->id, from, from + kDayMs);
  int64_t length = int64_t{r->calendar.slot_minutes} * 60000;
  for (int64_t s : res::slots_on(r->calendar, *day)) {
    if (!res::in_window(s, now_ms_, r->window_days)) continue;
    int64_t remaining = r->capacity - (booked.count(s) ? booked[s] : 0);
    if (remaining <= 0) continue;
    out.push_back(
        {res::format_slot(s), clock_of(s), clock_of(s + length), static_cast<int>(remaining), ""});
  }
  return out;
}

std::vector<std::string> LedgerSlots::open_days(const std::string& resource,
                                                const std::string& from, int days,
                                                int party) const {
  std::vector<std::string> out;
  const res::Resource* r = find(resource);
  auto first = res::parse_date(from);
  if (!r || !first || days < 1) return out;
  days = std::min(days, r->window_days + 1);
  int64_t from_ms = res::jst_midnight_ms(*first);
  auto booked = booked_between(tx_, r->id, from_ms, from_ms + int64_t{days} * kDayMs);
  for (int i = 0; i < days; ++i) {
    res::Date d{chr::sys_days{*first} + chr::days{i}};
    for (int64_t s : res::slots_on(r->calendar, d)) {
      if (!res::in_window(s, now_ms_, r->window_days)) continue;
      if (r->capacity - (booked.count(s) ? booked[s] : 0) >= party) {
        out.push_back(res::format_date(d));
        break;
      }
    }
  }
  return out;
}

conv::EffectOutcome book_reserve_answers(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                                         const conv::ServiceDefinition& def, const Json& answers,
                                         int64_t now_ms) {
  if (!answers.is_array()) return conv::EffectOutcome::success();
  for (const auto& a : answers) {
    if (!a.is_object() || !a.contains("step_id") || !a["step_id"].is_string()) continue;
    std::string step_id = a["step_id"].get<std::string>();
    const conv::Step* step = def.find(step_id);
    if (!step || conv::kind_name(*step) != conv::kinds::kReserveKind) continue;
    auto want = conv::kinds::reserve_request(a.value("value", Json()));
    auto resource = want ? id_of(want->resource) : std::nullopt;
    auto start = want ? res::parse_slot(want->slot) : std::nullopt;
    if (!resource || !start)
      return conv::EffectOutcome::failed(
          "予約の内容を読み取れませんでした。もう一度選んでください。", step_id);
    res::BookingRequest req;
    req.tenant_id = tenant_id;
    req.resource_id = *resource;
    req.slot_start = *start;
    req.party = want->party;
    req.resident_id = resident_id;
    req.note = def.title;
    req.exemption = want->exemption;
    try {
      if (!res::book_in(tx, req, now_ms))
        return conv::EffectOutcome::failed(
            "申し訳ありません。その枠は先ほど埋まりました。別の時間を選んでください。", step_id);
    } catch (const ApiError& e) {
      // A rule (daily limit, window, a closed day, the stop switch): its own words.
      return conv::EffectOutcome::failed(e.what(), step_id);
    }
  }
  return conv::EffectOutcome::success();
}

}  // namespace mg::applications
