#include "reservations/fees.h"

#include <algorithm>

#include "core/errors.h"
#include "core/json_parse.h"

namespace mg::reservations {

std::string to_string(Eligibility e) {
  switch (e) {
    case Eligibility::everyone:
      return "everyone";
    case Eligibility::residents:
      return "residents";
    case Eligibility::segment:
      return "segment";
  }
  return "everyone";
}

std::optional<Eligibility> eligibility_of(const std::string& s) {
  if (s == "everyone") return Eligibility::everyone;
  if (s == "residents") return Eligibility::residents;
  if (s == "segment") return Eligibility::segment;
  return std::nullopt;
}

Json residents_condition() { return {{"attr", "segment"}, {"in", Json::array({"resident"})}}; }

namespace {

bool valid_code(const std::string& s) {
  return !s.empty() && s.size() <= 40 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

int64_t bounded(const Json& body, const char* key, int64_t min, int64_t max, int64_t fallback,
                const std::string& label) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_number_integer() || it->get<int64_t>() < min || it->get<int64_t>() > max)
    throw ApiError::bad_request(
        label + "は " + std::to_string(min) + "〜" + std::to_string(max) + " の整数です", key);
  return it->get<int64_t>();
}

std::vector<Exemption> parse_exemptions(const Json& list) {
  if (!list.is_array() || list.size() > kMaxExemptions)
    throw ApiError::bad_request(
        "減免は " + std::to_string(kMaxExemptions) + " 件までの一覧で書いてください", "exemptions");
  std::vector<Exemption> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Json& e = list[i];
    std::string field = "exemptions/" + std::to_string(i);
    if (!e.is_object()) throw ApiError::bad_request("減免の書き方が違います", field);
    Exemption x;
    auto code = e.find("code");
    if (code == e.end() || !code->is_string() || !valid_code(code->get<std::string>()))
      throw ApiError::bad_request("減免のコードは半角の英小文字・数字・_ で 40 字までです",
                                  field + "/code");
    x.code = code->get<std::string>();
    auto label = e.find("label");
    if (label == e.end() || !label->is_string() || label->get<std::string>().empty() ||
        label->get<std::string>().size() > 200)
      throw ApiError::bad_request("減免の名前を 200 バイトまでで入れてください", field + "/label");
    x.label = label->get<std::string>();
    auto rate = e.find("rate_percent");
    if (rate == e.end() || !rate->is_number_integer() || rate->get<int64_t>() < 1 ||
        rate->get<int64_t>() > 100)
      throw ApiError::bad_request("減免の割合は 1〜100（%）の整数です", field + "/rate_percent");
    x.rate_percent = static_cast<int>(rate->get<int64_t>());
    if (std::any_of(out.begin(), out.end(), [&](const Exemption& o) { return o.code == x.code; }))
      throw ApiError::bad_request("減免のコード「" + x.code + "」が 2 回あります", field + "/code");
    out.push_back(std::move(x));
  }
  return out;
}

}  // namespace

BookingTerms parse_booking_terms(const Json& body, const BookingTerms& base) {
  if (!body.is_object()) throw ApiError::bad_request("設定はオブジェクトで送ってください");
  BookingTerms s = base;
  s.fee_per_slot =
      bounded(body, "fee_per_slot", 0, kMaxFeePerSlot, base.fee_per_slot, "1 枠の利用料（円）");
  if (auto it = body.find("exemptions"); it != body.end() && !it->is_null())
    s.exemptions = parse_exemptions(*it);
  if (auto it = body.find("eligibility"); it != body.end() && !it->is_null()) {
    auto e = it->is_string() ? eligibility_of(it->get<std::string>()) : std::nullopt;
    if (!e)
      throw ApiError::bad_request("利用できる方は everyone, residents, segment のどれかです",
                                  "eligibility");
    s.eligibility = *e;
  }
  if (auto it = body.find("eligibility_segment_id"); it != body.end()) {
    if (it->is_null())
      s.eligibility_segment_id = std::nullopt;
    else if (!it->is_number_integer() || it->get<int64_t>() <= 0)
      throw ApiError::bad_request("セグメントは番号で指定します", "eligibility_segment_id");
    else
      s.eligibility_segment_id = it->get<int64_t>();
  }
  if (s.eligibility != Eligibility::segment)
    s.eligibility_segment_id = std::nullopt;
  else if (!s.eligibility_segment_id)
    throw ApiError::bad_request("利用できる方のセグメントを選んでください",
                                "eligibility_segment_id");
  s.party_min = static_cast<int>(bounded(body, "party_min", 1, 10000, base.party_min, "最少人数"));
  s.party_max = static_cast<int>(
      bounded(body, "party_max", 0, 10000, base.party_max, "最多人数（0 は定員まで）"));
  if (s.party_max > 0 && s.party_min > s.party_max)
    throw ApiError::bad_request("最少人数が最多人数より多くなっています", "party_min");
  return s;
}

Json exemptions_json(const std::vector<Exemption>& list) {
  Json out = Json::array();
  for (const auto& e : list)
    out.push_back({{"code", e.code}, {"label", e.label}, {"rate_percent", e.rate_percent}});
  return out;
}

Json to_json(const BookingTerms& s) {
  return {{"fee_per_slot", s.fee_per_slot},
          {"exemptions", exemptions_json(s.exemptions)},
          {"eligibility", to_string(s.eligibility)},
          {"eligibility_segment_id",
           s.eligibility_segment_id ? Json(*s.eligibility_segment_id) : Json()},
          {"party_min", s.party_min},
          {"party_max", s.party_max}};
}

std::vector<Exemption> exemptions_from_stored(const std::string& text) {
  try {
    return parse_exemptions(parse_stored_json(text));
  } catch (const std::exception&) {
    return {};
  }
}

int64_t fee_for(int slots, int64_t fee_per_slot, int rate_percent) {
  if (slots <= 0 || fee_per_slot <= 0) return 0;
  int rate = std::clamp(rate_percent, 0, 100);
  // At most 48 × 10,000,000 × 100: far inside int64.
  return int64_t{slots} * fee_per_slot * (100 - rate) / 100;
}

std::optional<Exemption> find_exemption(const std::vector<Exemption>& list,
                                        const std::string& code) {
  for (const auto& e : list)
    if (e.code == code) return e;
  return std::nullopt;
}

std::string yen_text(int64_t yen) {
  std::string digits = std::to_string(yen < 0 ? -yen : yen), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return (yen < 0 ? "-" : "") + out + " 円";
}

}  // namespace mg::reservations
