// The LINE 受信設定 question for any definition staff may save, and any postback data a
// client may send back ({"definition": {...}, "values": [...], "page": n, "data": "..."}).
// Beyond "no crash": a question keeps LINE's limits (≤ 13 quick replies, labels ≤ 20 units,
// postback data ≤ 300 units, whatever the option values), and every option button decodes
// back to a 受信設定 postback naming the attribute and that option's token.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "channels/line/line_limits.h"
#include "channels/line/postback_data.h"
#include "channels/line/receiving_settings.h"
#include "channels/line/text_units.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "residents/service.h"

namespace {
void check(bool ok) {
  if (!ok) std::abort();  // an invariant broke: libFuzzer saves the input as a crash
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mg;
  Json doc;
  try {
    doc = parse_json_or_discarded(std::string_view(reinterpret_cast<const char*>(data), size),
                                  JsonLimits{64, 1 << 20});
  } catch (const ApiError&) {
    return 0;
  }
  if (!doc.is_object()) return 0;
  if (auto it = doc.find("data"); it != doc.end() && it->is_string()) {
    if (auto pb = line::decode_postback(it->get<std::string>()))
      check(line::decode_postback(line::encode_postback(*pb)).has_value());
  }
  residents::AttributeDefinition d;
  try {
    d = residents::definition_from_json(doc.value("definition", Json()));
  } catch (const ApiError&) {
    return 0;
  }
  if (!line::asked_on_line(d)) return 0;
  std::vector<residents::AttributeValue> current;
  try {
    current = residents::values_from_json(d, doc.value("values", Json()));
  } catch (const ApiError&) {
  }
  int page = 0;
  if (auto it = doc.find("page"); it != doc.end() && it->is_number_integer())
    page = static_cast<int>(it->get<int64_t>() % 1000);
  Json ms = line::settings_question(d, current, 0, 2, page, "");
  check(ms.is_array() && !ms.empty());
  const Json& items = ms.back()["quickReply"]["items"];
  check(items.is_array() && !items.empty() && items.size() <= 13);
  for (const auto& item : items) {
    const Json& a = item["action"];
    check(line::utf16_length(a.value("label", std::string())) <= line::kMaxActionLabelUnits);
    std::string pd = a.value("data", std::string());
    check(!pd.empty() && line::utf16_length(pd) <= line::kMaxPostbackDataUnits);
    auto pb = line::decode_postback(pd);
    check(pb && pb->kind == line::Postback::Kind::setting && pb->step == d.key);
    if (pb->value.rfind("o:", 0) == 0 && d.type == residents::AttributeType::choice) {
      bool known = false;
      for (size_t i = 0; i < d.options.size(); ++i)
        known = known || line::option_token(d, i) == pb->value;
      check(known);
    }
  }
  return 0;
}
