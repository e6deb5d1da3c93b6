#pragma once
// Fees with exemptions (減免), eligibility and party size of a resource (issue 12). Pure: the
// ledger applies them inside the booking transaction (ledger.cpp), the routes parse them.
//
// A fee is charged per slot; an exemption category lowers it by a whole percentage:
//   fee = floor(slots × fee_per_slot × (100 − rate_percent) / 100)  yen
// computed in integers, so 3 slots of 333 yen at 50% is 499 (499.5 rounded down), never a
// float's 499.49999. The fee and the exemption are stored on the booking as charged.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"

namespace mg::reservations {

inline constexpr int64_t kMaxFeePerSlot = 10'000'000;  // yen
inline constexpr std::size_t kMaxExemptions = 20;

struct Exemption {
  std::string code;   // [a-z0-9_]{1,40}, what a booking names
  std::string label;  // shown to residents and staff, e.g. 「障害者手帳をお持ちの方」
  int rate_percent = 0;  // 1..100; 100 = free
};

// Who may book: everyone; residents of the municipality (the resident attribute "segment" =
// "resident", the 村民/村外 split the rich menus use too); or the residents of a saved segment
// (residents/segments.h), evaluated at booking time by the residents' condition compiler.
enum class Eligibility { everyone, residents, segment };
std::string to_string(Eligibility e);
std::optional<Eligibility> eligibility_of(const std::string& s);
// The condition "residents" stands for (residents/condition.h).
Json residents_condition();

struct BookingTerms {
  int64_t fee_per_slot = 0;  // yen; 0 = free
  std::vector<Exemption> exemptions;
  Eligibility eligibility = Eligibility::everyone;
  std::optional<int64_t> eligibility_segment_id;  // set exactly when eligibility is segment
  int party_min = 1;
  int party_max = 0;  // 0 = up to the capacity
};

// Reads "fee_per_slot", "exemptions": [{code, label, rate_percent}], "eligibility",
// "eligibility_segment_id", "party_min", "party_max" from a resource body; an absent (or
// null) field keeps `base`'s value. ApiError 400 (Japanese, naming the field) on anything
// else: negative or huge fees, duplicate or malformed codes, rates outside 1..100, a segment
// mode without a segment id, party_min above party_max. The segment's existence is checked
// by the caller (it needs the database).
BookingTerms parse_booking_terms(const Json& body, const BookingTerms& base);
Json to_json(const BookingTerms& s);
Json exemptions_json(const std::vector<Exemption>& list);
// Stored exemptions; anything unreadable is none (the stored text was validated on the way in).
std::vector<Exemption> exemptions_from_stored(const std::string& text);

// floor(slots × fee_per_slot × (100 − rate) / 100); 0 for non-positive inputs.
int64_t fee_for(int slots, int64_t fee_per_slot, int rate_percent);
// The exemption named `code` in `list`, or nullopt.
std::optional<Exemption> find_exemption(const std::vector<Exemption>& list,
                                        const std::string& code);
// 「1,200 円」
std::string yen_text(int64_t yen);

}  // namespace mg::reservations
