// Fees with exemptions (減免): the integer computation (rounded down, never a float's error)
// and the settings parser (bounds, codes, the segment mode).
#include "reservations/fees.h"

#include <gtest/gtest.h>

#include "core/errors.h"

using namespace mg;
using namespace mg::reservations;

namespace {

std::string field_of(const Json& body) {
  try {
    parse_booking_terms(body, BookingTerms{});
  } catch (const ApiError& e) {
    return e.field();
  }
  return "";
}

}  // namespace

TEST(Fees, SlotsTimesFeeLessTheRateRoundedDown) {
  EXPECT_EQ(fee_for(1, 1200, 0), 1200);
  EXPECT_EQ(fee_for(3, 1200, 0), 3600);
  EXPECT_EQ(fee_for(3, 1200, 50), 1800);
  EXPECT_EQ(fee_for(2, 1200, 100), 0);
  // 3 × 333 × 0.5 = 499.5 → 499; 1 × 999 × 0.7 = 699.3 → 699; 1 × 1 × 0.5 → 0.
  EXPECT_EQ(fee_for(3, 333, 50), 499);
  EXPECT_EQ(fee_for(1, 999, 30), 699);
  EXPECT_EQ(fee_for(1, 1, 50), 0);
  // 0.29 as a double is 0.28999…: 100 × 0.71 in floating point is 70.99999…; integers are exact.
  EXPECT_EQ(fee_for(1, 100, 29), 71);
  EXPECT_EQ(fee_for(48, kMaxFeePerSlot, 1), 48 * kMaxFeePerSlot * 99 / 100);
  EXPECT_EQ(fee_for(0, 1200, 0), 0);
  EXPECT_EQ(fee_for(2, 0, 0), 0);
  EXPECT_EQ(fee_for(2, -5, 0), 0);
  EXPECT_EQ(fee_for(2, 100, 150), 0);  // a rate above 100 never makes a negative fee
}

TEST(Fees, YenText) {
  EXPECT_EQ(yen_text(0), "0 円");
  EXPECT_EQ(yen_text(999), "999 円");
  EXPECT_EQ(yen_text(1200), "1,200 円");
  EXPECT_EQ(yen_text(1234567), "1,234,567 円");
}

TEST(Fees, ParsesAndKeepsAbsentFields) {
  auto t = parse_booking_terms(Json::parse(R"({"fee_per_slot": 500, "exemptions": [
      {"code": "techo", "label": "障害者手帳", "rate_percent": 100},
      {"code": "dantai", "label": "市内団体", "rate_percent": 50}],
      "party_min": 2, "party_max": 6})"),
                               BookingTerms{});
  EXPECT_EQ(t.fee_per_slot, 500);
  ASSERT_EQ(t.exemptions.size(), 2u);
  EXPECT_EQ(find_exemption(t.exemptions, "dantai")->rate_percent, 50);
  EXPECT_FALSE(find_exemption(t.exemptions, "nope"));
  EXPECT_EQ(t.eligibility, Eligibility::everyone);
  // Round trip, and an empty body keeps everything.
  EXPECT_EQ(to_json(parse_booking_terms(to_json(t), BookingTerms{})), to_json(t));
  EXPECT_EQ(to_json(parse_booking_terms(Json::object(), t)), to_json(t));
  auto seg = parse_booking_terms(
      Json::parse(R"({"eligibility": "segment", "eligibility_segment_id": 7})"), t);
  EXPECT_EQ(seg.eligibility, Eligibility::segment);
  EXPECT_EQ(*seg.eligibility_segment_id, 7);
  // Leaving the segment mode drops the id.
  EXPECT_FALSE(parse_booking_terms(Json::parse(R"({"eligibility": "residents"})"), seg)
                   .eligibility_segment_id);
  EXPECT_EQ(exemptions_from_stored("not json").size(), 0u);
  EXPECT_EQ(exemptions_from_stored(exemptions_json(t.exemptions).dump()).size(), 2u);
}

TEST(Fees, RefusesBadSettingsNamingTheField) {
  EXPECT_EQ(field_of(Json::parse(R"({"fee_per_slot": -1})")), "fee_per_slot");
  EXPECT_EQ(field_of(Json::parse(R"({"fee_per_slot": "500"})")), "fee_per_slot");
  EXPECT_EQ(field_of(Json::parse(R"({"fee_per_slot": 10000001})")), "fee_per_slot");
  EXPECT_EQ(field_of(Json::parse(R"({"exemptions": {}})")), "exemptions");
  EXPECT_EQ(field_of(Json::parse(R"({"exemptions": [1]})")), "exemptions/0");
  EXPECT_EQ(field_of(Json::parse(R"({"exemptions": [{"code": "a", "label": "A"}]})")),
            "exemptions/0/rate_percent");
  EXPECT_EQ(field_of(Json::parse(
                R"({"exemptions": [{"code": "a-b", "label": "A", "rate_percent": 5}]})")),
            "exemptions/0/code");
  EXPECT_EQ(field_of(Json::parse(
                R"({"exemptions": [{"code": "a", "label": "A", "rate_percent": 5},
                                   {"code": "a", "label": "B", "rate_percent": 6}]})")),
            "exemptions/1/code");
  EXPECT_EQ(field_of(Json::parse(R"({"eligibility": "villagers"})")), "eligibility");
  EXPECT_EQ(field_of(Json::parse(R"({"eligibility": "segment"})")), "eligibility_segment_id");
  EXPECT_EQ(field_of(Json::parse(R"({"eligibility": "segment", "eligibility_segment_id": 0})")),
            "eligibility_segment_id");
  EXPECT_EQ(field_of(Json::parse(R"({"party_min": 5, "party_max": 4})")), "party_min");
  EXPECT_EQ(field_of(Json::parse(R"({"party_max": -1})")), "party_max");
  EXPECT_EQ(field_of(Json::array()), "");  // not an object: refused without a field
  EXPECT_THROW(parse_booking_terms(Json::array(), BookingTerms{}), ApiError);
}
