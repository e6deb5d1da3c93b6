#pragma once
// Prompt JSON (docs/API.md "Prompt") -> LINE message objects. Pure: no I/O, so every prompt of
// every template can be rendered and checked against LINE's schema in a unit test.
#include <string>

#include "core/json.h"

namespace mg::line {

// All messages for one turn, in order; may exceed 5 (the outbox splits into requests).
// Quick replies go on the last message, where LINE shows them.
Json render_prompts(const Json& prompts);

// Plain text, split into several messages when over LINE's 5000 units.
Json text_messages(const std::string& text);

// Postback action with the label cut to 20 units and displayText showing the full label.
Json postback_action(const std::string& label, const std::string& data);

}  // namespace mg::line
