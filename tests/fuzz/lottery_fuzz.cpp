// libFuzzer target: arbitrary bytes as the JSON a lottery round takes from outside: a round
// (POST /api/lotteries: parse_round_spec), a resident's application (POST
// /api/public/{tenant}/lotteries/{id}/applications: parse_application_spec) and an exported
// draw input (`madoguchi lottery replay`: parse_draw_input), then the draw itself. Properties:
// only ApiError is thrown; accepted values are within their bounds; a parsed draw input
// survives a round trip through to_json; the draw is deterministic, never gives a slot more
// than its places nor an application more than max_wins wins or a slot it did not choose.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <set>

#include "core/errors.h"
#include "core/json.h"
#include "reservations/lottery.h"
#include "reservations/lottery_draw.h"

using namespace mg::reservations;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mg::Json j = mg::Json::parse(reinterpret_cast<const char*>(data),
                               reinterpret_cast<const char*>(data) + size, nullptr, false);
  if (j.is_discarded()) return 0;
  try {
    auto r = parse_round_spec(j);
    if (r.resource_id <= 0 || r.closes_at <= r.opens_at || r.max_wins < 1 || r.max_wins > 10 ||
        r.slots.size() > 2000 || r.title.size() > 200 || (r.slots.empty() && !r.from))
      std::abort();
  } catch (const mg::ApiError&) {
  }
  try {
    auto a = parse_application_spec(j);
    if (a.choices.empty() || a.choices.size() > kMaxChoices || a.party < 1) std::abort();
    std::set<int64_t> distinct(a.choices.begin(), a.choices.end());
    if (distinct.size() != a.choices.size()) std::abort();
  } catch (const mg::ApiError&) {
  }
  DrawInput in;
  try {
    in = parse_draw_input(j);
  } catch (const mg::ApiError&) {
    return 0;
  }
  if (to_json(parse_draw_input(to_json(in))) != to_json(in)) std::abort();
  if (in.applications.size() > 2000) return 0;  // keep each run short
  auto result = draw(in);
  if (to_json(draw(in)) != to_json(result)) std::abort();
  std::map<int64_t, const DrawApplication*> apps;
  for (const auto& a : in.applications) apps[a.id] = &a;
  std::map<int64_t, int64_t> used;
  std::map<int64_t, int> wins;
  for (const auto& w : result.wins) {
    const auto* a = apps.at(w.application_id);
    if (w.rank < 1 || static_cast<std::size_t>(w.rank) > a->choices.size() ||
        a->choices[static_cast<std::size_t>(w.rank - 1)] != w.slot_start)
      std::abort();
    used[w.slot_start] += a->party;
    if (++wins[w.application_id] > in.max_wins) std::abort();
  }
  for (const auto& [slot, n] : used)
    if (n > in.places.at(slot)) std::abort();
  if (result.order.size() != in.applications.size()) std::abort();
  return 0;
}
