#include "channels/line/builder_preview.h"

#include "channels/line/renderer.h"
#include "core/clock.h"
#include "core/json_parse.h"
#include "services/builder.h"

namespace mg::line {

Json builder_preview(const Json& body, int64_t now_ms) {
  Json turn = services::preview_turn(body, now_ms);
  turn["messages"] = render_prompts(turn.value("prompts", Json::array()));
  return turn;
}

void mount_builder_preview(http::Router& r, auth::AuthService& auth) {
  r.post("/api/services/preview/line", [&](http::Request& req) {
    auth.require(req, auth::Role::editor);
    auto body = http::json_body(req, kServiceDefinitionLimits);
    return http::Response::json(builder_preview(body, clock::now_ms()));
  });
}

}  // namespace mg::line
