#include "reservations/lottery_draw.h"

#include <algorithm>
#include <set>

#include "core/errors.h"
#include "reservations/schedule.h"

namespace mg::reservations {

uint64_t SplitMix64::next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t SplitMix64::below(uint64_t bound) {
  // (2^64 - bound) mod bound, computed in 64 bits: the outputs below it would bias the modulo.
  uint64_t threshold = (0 - bound) % bound;
  for (;;) {
    uint64_t x = next();
    if (x >= threshold) return x % bound;
  }
}

DrawResult draw(const DrawInput& in) {
  std::vector<const DrawApplication*> apps;
  for (const auto& a : in.applications) apps.push_back(&a);
  std::sort(apps.begin(), apps.end(),
            [](const DrawApplication* a, const DrawApplication* b) { return a->id < b->id; });
  SplitMix64 rng(in.seed);
  for (std::size_t i = apps.size(); i > 1; --i) {
    auto j = static_cast<std::size_t>(rng.below(i));
    std::swap(apps[i - 1], apps[j]);
  }
  DrawResult out;
  for (const auto* a : apps) out.order.push_back(a->id);
  auto places = in.places;
  std::vector<std::set<int64_t>> won(apps.size());
  for (int pass = 1; pass <= in.max_wins; ++pass) {
    for (std::size_t k = 0; k < apps.size(); ++k) {
      const auto& a = *apps[k];
      if (static_cast<int>(won[k].size()) >= pass) continue;
      for (std::size_t rank = 0; rank < a.choices.size(); ++rank) {
        int64_t slot = a.choices[rank];
        auto it = places.find(slot);
        if (won[k].count(slot) || it == places.end() || it->second < a.party) continue;
        it->second -= a.party;
        won[k].insert(slot);
        out.wins.push_back({a.id, slot, static_cast<int>(rank) + 1});
        break;
      }
    }
  }
  return out;
}

std::string seed_text(uint64_t seed) {
  static const char* hex = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, seed >>= 4) s[static_cast<std::size_t>(i)] = hex[seed & 15];
  return s;
}

std::optional<uint64_t> parse_seed(const std::string& s) {
  if (s.empty() || s.size() > 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : -1;
    if (d < 0) return std::nullopt;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}

Json to_json(const DrawInput& in) {
  Json places = Json::array();
  for (const auto& [slot, n] : in.places)
    places.push_back({{"slot", format_slot(slot)}, {"places", n}});
  Json apps = Json::array();
  for (const auto& a : in.applications) {
    Json choices = Json::array();
    for (int64_t c : a.choices) choices.push_back(format_slot(c));
    apps.push_back({{"id", a.id}, {"party", a.party}, {"choices", choices}});
  }
  return {{"algorithm", kDrawAlgorithm},
          {"seed", seed_text(in.seed)},
          {"max_wins", in.max_wins},
          {"places", places},
          {"applications", apps}};
}

namespace {
int64_t bounded(const Json& j, const char* key, int64_t min, int64_t max) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer() || it->get<int64_t>() < min ||
      it->get<int64_t>() > max)
    throw ApiError::bad_request(std::string(key) + " は " + std::to_string(min) + "〜" +
                                    std::to_string(max) + " の整数です",
                                key);
  return it->get<int64_t>();
}
int64_t slot_value(const Json& j, const char* field) {
  if (!j.is_string()) throw ApiError::bad_request("枠は 2027-01-10T09:00 の形で書きます", field);
  auto s = parse_slot(j.get<std::string>());
  if (!s) throw ApiError::bad_request("枠は 2027-01-10T09:00 の形で書きます", field);
  return *s;
}
}  // namespace

DrawInput parse_draw_input(const Json& j) {
  if (!j.is_object()) throw ApiError::bad_request("抽選の入力はオブジェクトです");
  if (auto a = j.find("algorithm"); a != j.end() && (!a->is_string() || *a != kDrawAlgorithm))
    throw ApiError::bad_request("この抽選方式には対応していません", "algorithm");
  DrawInput in;
  auto seed = j.find("seed");
  if (seed == j.end() || !seed->is_string() || !parse_seed(seed->get<std::string>()))
    throw ApiError::bad_request("シードは 16 桁までの 16 進数です", "seed");
  in.seed = *parse_seed(seed->get<std::string>());
  in.max_wins = static_cast<int>(bounded(j, "max_wins", 1, 10));
  auto places = j.find("places");
  if (places == j.end() || !places->is_array() || places->size() > 5000)
    throw ApiError::bad_request("枠は 5000 までの一覧です", "places");
  for (const auto& p : *places) {
    if (!p.is_object()) throw ApiError::bad_request("枠の書き方が違います", "places");
    int64_t slot = slot_value(p.value("slot", Json()), "places");
    if (!in.places.emplace(slot, bounded(p, "places", 0, 100000)).second)
      throw ApiError::bad_request("同じ枠が 2 回あります", "places");
  }
  auto apps = j.find("applications");
  if (apps == j.end() || !apps->is_array() || apps->size() > 100000)
    throw ApiError::bad_request("申し込みは 100000 件までの一覧です", "applications");
  std::set<int64_t> ids;
  for (const auto& a : *apps) {
    if (!a.is_object()) throw ApiError::bad_request("申し込みの書き方が違います", "applications");
    DrawApplication d;
    d.id = bounded(a, "id", 1, INT64_MAX);
    if (!ids.insert(d.id).second)
      throw ApiError::bad_request("同じ申し込み番号が 2 回あります", "applications");
    d.party = static_cast<int>(bounded(a, "party", 1, 10000));
    auto choices = a.find("choices");
    if (choices == a.end() || !choices->is_array() || choices->empty() ||
        choices->size() > kMaxChoices)
      throw ApiError::bad_request("希望は 1〜3 つです", "choices");
    for (const auto& c : *choices) {
      int64_t slot = slot_value(c, "choices");
      if (std::find(d.choices.begin(), d.choices.end(), slot) != d.choices.end())
        throw ApiError::bad_request("同じ枠を 2 回希望しています", "choices");
      d.choices.push_back(slot);
    }
    in.applications.push_back(std::move(d));
  }
  return in;
}

Json to_json(const DrawResult& r) {
  Json wins = Json::array();
  for (const auto& w : r.wins)
    wins.push_back({{"application_id", w.application_id},
                    {"slot", format_slot(w.slot_start)},
                    {"rank", w.rank}});
  return {{"order", r.order}, {"wins", wins}};
}

}  // namespace mg::reservations
