#pragma once
// The lottery draw (抽選) as a pure function of its inputs, so anyone holding the exported
// seed and inputs can re-run it and get the same winners (`madoguchi lottery replay FILE`,
// or tests/unit/reservations/lottery_draw_test.cpp).
//
// The algorithm (version "splitmix64-fisher-yates-v1"):
//  1. Applications are sorted by id, ascending.
//  2. A SplitMix64 generator is seeded with the 64-bit seed. Each step:
//       state += 0x9E3779B97F4A7C15; z = state;
//       z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
//       output z ^ (z >> 31)                                   (all arithmetic mod 2^64)
//  3. Fisher–Yates: for i = n-1 down to 1, j = uniform(0..i), swap(order[i], order[j]).
//     uniform(0..i) without modulo bias: bound = i+1, threshold = (2^64 - bound) mod bound;
//     draw outputs until one is >= threshold, then j = output mod bound.
//  4. Passes 1..max_wins: in the shuffled order, each application that has fewer wins than
//     the pass number gets its highest-ranked choice it has not won yet whose places left
//     (capacity) are at least its party; that slot's places left drop by the party. An
//     application with no such choice gets nothing in that pass.
// So every application has the same chance of each position, a winner never exceeds a slot's
// places, and nobody wins more than max_wins slots.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"

namespace mg::reservations {

inline constexpr const char* kDrawAlgorithm = "splitmix64-fisher-yates-v1";
inline constexpr int kMaxChoices = 3;

struct DrawApplication {
  int64_t id = 0;
  int party = 1;
  std::vector<int64_t> choices;  // slot starts (Unix ms), best first
};

struct DrawInput {
  uint64_t seed = 0;
  int max_wins = 1;
  std::map<int64_t, int64_t> places;  // slot start -> places left when the draw ran
  std::vector<DrawApplication> applications;
};

struct DrawWin {
  int64_t application_id = 0;
  int64_t slot_start = 0;
  int rank = 1;  // 1 = first choice
  bool operator==(const DrawWin&) const = default;
};

struct DrawResult {
  std::vector<int64_t> order;  // application ids in drawn order
  std::vector<DrawWin> wins;   // in the order they were given
};

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next();
  uint64_t below(uint64_t bound);  // uniform in [0, bound), bound >= 1

 private:
  uint64_t state_;
};

DrawResult draw(const DrawInput& in);

// A seed as 16 lowercase hex digits, and back (1–16 hex digits; nullopt otherwise).
std::string seed_text(uint64_t seed);
std::optional<uint64_t> parse_seed(const std::string& s);

// The inputs as exported ({"algorithm", "seed", "max_wins", "places": [{"slot","places"}],
// "applications": [{"id","party","choices":[slot...]}]}, slots as "YYYY-MM-DDTHH:MM" JST),
// and back. parse_draw_input throws ApiError 400 on anything malformed or out of bounds.
Json to_json(const DrawInput& in);
DrawInput parse_draw_input(const Json& j);
Json to_json(const DrawResult& r);

}  // namespace mg::reservations
