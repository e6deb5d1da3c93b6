#pragma once
// What a resident's tap or typed text says to the dialog they are in: the engine Input (docs/
// API.md "Input") the desk hands to the chat turn. Pure, so real webhook events and the service
// builder's LINE phone (builder_preview.h) go through one mapping, and a fuzz target can feed it.
#include <optional>
#include <string>

#include "core/json.h"

namespace mg::line {

struct DialogInput {
  Json input;              // Input JSON
  std::string multi_step;  // the multi-choice step a tapped choice belongs to (short answer)
};

// A postback event's `postback` object ({data, params?:{date}}) -> the Input it carries: a
// choice, a picked date, 修正 (edit) or a command the dialog answers (戻る...); data we cannot
// read asks for help, as LINE buttons of an older version may still be tapped. nullopt for a
// button meant for something other than the dialog (service menu, a service, 受信設定), which
// the desk answers itself; the desk's own commands (申請した手続き...) are checked before.
std::optional<DialogInput> postback_dialog_input(const Json& postback);

// A text message typed while in a dialog.
Json text_dialog_input(const std::string& text);

}  // namespace mg::line
