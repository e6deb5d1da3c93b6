// Staff import service definitions as JSON (API upload, templates): bytes -> JSON -> parse +
// validate. A definition that validates is then driven through the pure engine for a few turns,
// as the chat and LINE channels would, with the state round-tripped through JSON like the
// database does between turns.
//
// Input layout: the definition JSON itself. An optional top-level "_fuzz" object (ignored by the
// parser) carries the dialog: {"inputs": [text or Input JSON...], "today": "YYYY-MM-DD",
// "lookup_lists": {list: [rows]}, "addresses": {postal: address}, "correct": [step ids]}.
// `reserve` steps book from a fixed ledger (FixedSlots).
// Without inputs, answers are derived from each prompt (its choices, else a rotating text).
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "conversation/engine.h"
#include "conversation/fees.h"
#include "conversation/inline_data.h"
#include "conversation/normalize.h"
#include "conversation/validation.h"

using namespace mg;
using namespace mg::conversation;

namespace {

constexpr size_t kMaxTurns = 40;

// What a resident plausibly sends next when the corpus gives no more inputs.
Input derived_input(const StepResult& r, size_t turn) {
  static const char* kTexts[] = {"はい",   "2025-04-01",    "2",        "山田 太郎",
                                 "ヤマダ", "090-1234-5678", "100-0001", "令和元年5月1日",
                                 "戻る",   "confirm"};
  for (auto it = r.prompts.rbegin(); it != r.prompts.rend(); ++it) {
    if (!it->choices.empty()) return Input::of_choice(it->choices[turn % it->choices.size()].value);
  }
  return Input::of_text(kTexts[turn % (sizeof kTexts / sizeof kTexts[0])]);
}

// A fixed reservations ledger for `reserve` steps: two categories, three resources, days and
// slots with and without room, so every phase of the step is reached.
class FixedSlots final : public SlotProvider {
 public:
  std::vector<BookableResource> resources() const override {
    return {{"1", "体育館", "10", 4, 1, 0, {}},
            {"2", "会議室A", "20", 1, 1, 0, {}},
            {"3", "会議室B", "", 2, 1, 0, {}}};
  }
  std::vector<BookableCategory> categories() const override {
    return {{"10", "スポーツ", ""}, {"20", "会議室", "10"}};
  }
  std::vector<std::string> open_days(const std::string& resource, const std::string&, int days,
                                     int party) const override {
    if (resource == "2" || days < 1 || party > 4) return {};
    return {"2025-04-02", "2025-04-03", "2025-04-10"};
  }
  std::vector<Slot> available(const std::string&, const std::string& date) const override {
    if (date != "2025-04-10" && date != "2025-04-02") return {};
    return {{date + "T09:00", "9:00", "10:00", 1, ""}, {date + "T10:00", "10:00", "11:00", 4, ""}};
  }
};

void drive(const ServiceDefinition& def, const Json& fuzz) {
  InlineLookup lookup(fuzz.value("lookup_lists", Json::object()));
  InlineAddresses addresses(fuzz.value("addresses", Json::object()));
  Context ctx;
  ctx.today = fuzz.contains("today") && fuzz["today"].is_string() ? fuzz["today"].get<std::string>()
                                                                  : "2025-04-01";
  ctx.now_ms = 1'700'000'000'000;
  ctx.lookup = &lookup;
  ctx.addresses = &addresses;
  FixedSlots slots;
  ctx.slots = &slots;

  StepResult r = start(def, ctx);
  (void)r.to_json();
  const Json inputs =
      fuzz.contains("inputs") && fuzz["inputs"].is_array() ? fuzz["inputs"] : Json::array();
  for (size_t turn = 0; turn < kMaxTurns && !r.done; ++turn) {
    ctx.now_ms += 1000;
    SessionState st = SessionState::from_json(r.state.to_json());
    if (turn < inputs.size()) {
      const Json& in = inputs[turn];
      r = in.is_string() ? handle(def, st, Input::of_text(in.get<std::string>()), ctx)
                         : handle_json(def, st, in, ctx);
    } else {
      r = handle(def, st, derived_input(r, turn), ctx);
    }
    (void)r.to_json();
  }

  // 不備 correction of whatever was answered, as staff would request it.
  if (fuzz.contains("correct") && fuzz["correct"].is_array()) {
    std::vector<std::string> ids;
    for (const auto& id : fuzz["correct"])
      if (id.is_string()) ids.push_back(id.get<std::string>());
    Json answers = Json::array();
    for (const auto& [id, a] : r.state.answers)
      answers.push_back({{"step_id", id}, {"value", a.value}, {"display", a.display}});
    try {
      StepResult c = start_correction(def, answers, ids, "fuzz", ctx);
      for (size_t turn = 0; turn < 8 && !c.done; ++turn)
        c = handle(def, SessionState::from_json(c.state.to_json()), derived_input(c, turn), ctx);
      (void)c.to_json();
    } catch (const std::invalid_argument&) {
      // documented: no correctable step among the ids
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Json j = Json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;

  ParseResult parsed = parse_definition(j);
  // The residents' list outlines fees of parsed definitions (any route graph, any fees).
  if (parsed.definition) (void)fee_outline(*parsed.definition);
  for (const auto& i : parsed.issues) (void)i.to_json();
  LoadResult loaded = load_definition(j);
  (void)loaded.issues_json();
  if (!loaded.definition) return 0;
  for (const auto& s : loaded.definition->steps) (void)successors(*loaded.definition, s);

  const Json fuzz =
      j.is_object() && j.contains("_fuzz") && j["_fuzz"].is_object() ? j["_fuzz"] : Json::object();
  drive(*loaded.definition, fuzz);
  return 0;
}
