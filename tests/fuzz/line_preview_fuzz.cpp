// The builder's LINE phone sends taps and typed text as POST /api/services/preview/line
// {definition, inputs?, action?}: the action ({type:"postback",data,date?} | {type:"message",
// text}) is read by preview_action_input, mapped by the channel's webhook mapping
// (postback_dialog_input) and played with the inputs. Input layout: the request body as JSON.
// Properties: nothing but ApiError escapes; a played action returns the Input it became, which
// the engine's own parser accepts (the browser sends it back in `inputs` next turn); the answer
// always carries a messages array.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <variant>

#include "channels/line/builder_preview.h"
#include "conversation/input.h"
#include "core/errors.h"
#include "core/json_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mg::Json body;
  try {
    body = mg::parse_json_or_discarded(std::string_view(reinterpret_cast<const char*>(data), size),
                                       mg::kServiceDefinitionLimits);
  } catch (const mg::ApiError&) {
    return 0;  // over the limits: the route answers 413/400 before the preview sees it
  }
  if (body.is_discarded()) return 0;
  if (body.is_object() && body.contains("action")) {
    try {
      auto in = mg::line::preview_action_input(body["action"]);
      if (std::holds_alternative<mg::conversation::InputError>(
              mg::conversation::parse_input(in.input)))
        std::abort();
    } catch (const mg::ApiError& e) {
      if (e.status() != 400) std::abort();
    }
  }
  mg::Json out;
  try {
    out = mg::line::builder_preview(body, 1'700'000'000'000);
  } catch (const mg::ApiError&) {
    return 0;  // documented: 400 for a bad definition, inputs or action
  }
  if (!out.contains("messages") || !out["messages"].is_array()) std::abort();
  if (body.is_object() && body.contains("action")) {
    if (!out.contains("input")) std::abort();
    if (std::holds_alternative<mg::conversation::InputError>(
            mg::conversation::parse_input(out["input"])))
      std::abort();
  }
  (void)out.dump();
  return 0;
}
