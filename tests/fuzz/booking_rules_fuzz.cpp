// libFuzzer target: arbitrary bytes as the booking-rule fields of a resource (what POST/PUT
// /api/resources take: window_mode, book_lead, cancel_lead, period_limit, period_unit,
// max_slots, waitlist_hold_minutes), through parse_rule_settings, then the rules applied to a
// week of slots. Properties: only ApiError is thrown; accepted settings are within their
// bounds and survive a round trip through to_json; business_days_after never goes backwards
// and lands on a business day; a lead of 0 is always met. The same bytes as the fee,
// exemption, eligibility and party fields (parse_booking_terms, issue 12 fees): bounds kept,
// round trip, and every exemption's fee between 0 and the full fee.
#include <cstdint>
#include <cstdlib>

#include "core/errors.h"
#include "core/json.h"
#include "reservations/fees.h"
#include "reservations/rules.h"

using namespace mg::reservations;
namespace chr = std::chrono;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mg::Json j = mg::Json::parse(reinterpret_cast<const char*>(data),
                               reinterpret_cast<const char*>(data) + size, nullptr, false);
  if (j.is_discarded()) return 0;
  try {
    BookingTerms t = parse_booking_terms(j, BookingTerms{});
    if (t.fee_per_slot < 0 || t.fee_per_slot > kMaxFeePerSlot ||
        t.exemptions.size() > kMaxExemptions || t.party_min < 1 || t.party_max < 0 ||
        (t.party_max > 0 && t.party_min > t.party_max) ||
        (t.eligibility == Eligibility::segment) != t.eligibility_segment_id.has_value())
      std::abort();
    if (to_json(parse_booking_terms(to_json(t), BookingTerms{})) != to_json(t)) std::abort();
    for (const auto& e : t.exemptions) {
      if (e.rate_percent < 1 || e.rate_percent > 100) std::abort();
      int slots = 1 + static_cast<int>(size % 48);
      int64_t fee = fee_for(slots, t.fee_per_slot, e.rate_percent);
      if (fee < 0 || fee > slots * t.fee_per_slot) std::abort();
    }
  } catch (const mg::ApiError&) {
  }
  RuleSettings s;
  try {
    s = parse_rule_settings(j, RuleSettings{});
  } catch (const mg::ApiError&) {
    return 0;
  }
  if (s.max_slots < 1 || s.max_slots > 48 || s.period_limit < 0 || s.period_limit > 1000 ||
      s.waitlist_hold_minutes < 0 || s.book_lead.amount < 0 || s.book_lead.amount > 8760 ||
      s.cancel_lead.amount < 0 || s.cancel_lead.amount > 8760)
    std::abort();
  if (to_json(parse_rule_settings(to_json(s), RuleSettings{})) != to_json(s)) std::abort();
  ResourceCalendar cal;
  cal.slot_minutes = 60;
  cal.weekly = parse_opening_hours(mg::Json::parse(R"({"mon":[["09:00","17:00"]]})"));
  Date today{chr::year{2026}, chr::month{12}, chr::day{1 + static_cast<unsigned>(size % 28)}};
  int n = s.book_lead.unit == LeadUnit::business_days ? s.book_lead.amount % 400 : 0;
  Date d = business_days_after(cal, today, n);
  if (d < today || (n > 0 && !is_business_day(cal, d))) std::abort();
  int64_t now = jst_midnight_ms(today) + 8 * 3600 * 1000;
  if (!lead_met(Lead{}, cal, now + 1, now)) std::abort();
  (void)window_refusal(s.window_mode, 30, now + static_cast<int64_t>(size) * 3600000, now);
  (void)period_range(s.period_unit, today);
  return 0;
}
