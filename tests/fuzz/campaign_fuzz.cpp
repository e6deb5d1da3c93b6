// A staff member's campaign (POST /api/campaigns {title, messages, audience}) as arbitrary
// bytes: parsed with the server's JSON limits and checked by delivery::validated_campaign.
// Beyond "no crash": either a 400 ApiError naming a field, or a title of 1..100 UTF-16 units,
// 1..5 messages (text of 1..5000 units, still within it once variables are substituted; https
// images; cards with one https link), and an audience the fan-out turns into a SQL filter
// with one parameter per resident id.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

#include "channels/line/text_units.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "delivery/fanout.h"
#include "delivery/routes.h"
#include "delivery/variables.h"

using mg::Json;

namespace {
void check(bool ok) {
  if (!ok) std::abort();  // an invariant broke: libFuzzer saves the input as a crash
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  Json body;
  try {
    // As POST /api/campaigns parses its body: over the size or depth limit is a 400 before us.
    body = mg::parse_json_or_discarded(text);
  } catch (const mg::ApiError&) {
    return 0;
  }
  if (body.is_discarded()) return 0;
  try {
    Json v = mg::delivery::validated_campaign(body);
    auto title = v["title"].get<std::string>();
    check(!title.empty() && mg::line::utf16_length(title) <= 100);
    check(v["messages"].is_array() && !v["messages"].empty() && v["messages"].size() <= 5);
    for (const auto& m : v["messages"]) {
      if (m["type"] == "text") {
        auto t = m["text"].get<std::string>();
        check(!t.empty() && mg::line::utf16_length(t) <= 5000);
        // Per-resident variables: every name found is substituted, and the result stays within
        // LINE's limit however long the value.
        std::map<std::string, std::string> values;
        for (const auto& n : mg::delivery::variable_names(t)) values[n] = std::string(600, 'x');
        Json one = Json::array({m});
        auto out = mg::delivery::substitute_messages(one, values)[0]["text"].get<std::string>();
        check(mg::line::utf16_length(out) <= 5000);
        if (!values.empty()) check(out.find('x') != std::string::npos);
      } else if (m["type"] == "image") {
        check(m["originalContentUrl"].get<std::string>().rfind("https://", 0) == 0 &&
              m["previewImageUrl"].get<std::string>().rfind("https://", 0) == 0);
      } else {
        check(m["type"] == "template" && m["template"]["type"] == "buttons" &&
              m["template"]["actions"].size() == 1 &&
              m["template"]["actions"][0]["uri"].get<std::string>().rfind("https://", 0) == 0 &&
              !m["altText"].get<std::string>().empty());
      }
    }
    auto f = mg::delivery::audience_filter(v["audience"]);
    if (v["audience"]["kind"] == "residents")
      check(f.params.size() == v["audience"]["resident_ids"].size() && f.params.size() <= 5000);
    else
      check(f.params.empty());
  } catch (const mg::ApiError& e) {
    check(e.status() == 400 && !e.field().empty() == (body.is_object()));
  }
  return 0;
}
