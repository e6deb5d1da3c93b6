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

// One preview turn: {definition, state?, input?}. Without state the dialog starts; else the
// input is handled against the given state. {state, prompts, effects, done}.
Json preview_turn(const Json& body, int64_t now_ms);

// POST /api/services/validate and POST /api/services/preview (editors).
void mount_builder(http::Router& r, auth::AuthService& auth);

}  // namespace mg::services
