#pragma once
// The console's service builder talks to these: a draft definition checked as staff type
// (the validator stays the one source of truth, the browser only shows its findings) and a
// draft played through the real engine without storing anything.
#include "auth/service.h"
#include "core/router.h"

namespace mg::services {

// {ok, errors:[finding], warnings:[finding]}; finding = {step_id, field, code, message, fix}.
// ok is false when the definition would not load (errors block saving and publishing;
// warnings do not).
Json check_draft(const Json& definition);

// One preview turn: {definition, inputs?:[Input JSON or text]}: the dialog started and the
// inputs replayed. {step, prompts, effects, done} of the last turn.
Json preview_turn(const Json& body, int64_t now_ms);

// POST /api/services/validate and POST /api/services/preview (editors).
void mount_builder(http::Router& r, auth::AuthService& auth);

}  // namespace mg::services
