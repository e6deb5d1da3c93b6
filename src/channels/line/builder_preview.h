#pragma once
// The service builder's LINE phone: what LINE would receive for a preview turn, rendered by the
// channel's own renderer (render_prompts), so staff see the real quick replies and cards; and a
// tap or typed text on that phone, turned into the engine Input by the mapping real webhook
// events go through (dialog_input.h), so the phone is playable.
#include "auth/service.h"
#include "channels/line/dialog_input.h"
#include "core/router.h"

namespace mg::line {

// The phone's `action`, shaped like the webhook event LINE would send for it:
//   {type:"postback", data, date?}  a quick reply or card button (date: a datetimepicker's pick)
//   {type:"message", text}          text typed in the input bar, or a message action's text
// Bounded as LINE bounds them (data ≤ 300 UTF-16 units, text ≤ 5000, date YYYY-MM-DD). Throws
// ApiError 400 (Japanese) for any other shape, unknown fields, undecodable data, and taps that
// are not for the dialog (the service menu, 受信設定...), which a preview cannot play.
DialogInput preview_action_input(const Json& action);

// {definition, inputs?, action?} as POST /api/services/preview -> that turn plus
// {messages:[LINE message]}; with an action, the turn after it and {input}: the Input it became,
// which the builder appends to the inputs both previews share.
Json builder_preview(const Json& body, int64_t now_ms);

// POST /api/services/preview/line (editors).
void mount_builder_preview(http::Router& r, auth::AuthService& auth);

}  // namespace mg::line
