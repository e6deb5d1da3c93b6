#pragma once
// The service builder's LINE phone: what LINE would receive for a preview turn, rendered by the
// channel's own renderer (render_prompts), so staff see the real quick replies and cards.
#include "auth/service.h"
#include "core/router.h"

namespace mg::line {

// {definition, inputs?} as POST /api/services/preview -> that turn plus {messages:[LINE message]}.
Json builder_preview(const Json& body, int64_t now_ms);

// POST /api/services/preview/line (editors).
void mount_builder_preview(http::Router& r, auth::AuthService& auth);

}  // namespace mg::line
