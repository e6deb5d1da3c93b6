// The residents' web chat: POST /api/public/{tenant}/chat/{session}/input takes any bytes as
// its body. They go through the same code as in the server: Request::json_body (a 400/413
// ApiError for anything but a bounded JSON object), conversation::parse_input (an Input or an
// InputError, never an exception), and the engine answering it at every step of a small
// service. Invariants: a parsed Input matches its JSON, an InputError has a message for the
// resident, the engine's state survives its JSON round trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include "conversation/engine.h"
#include "conversation/input.h"
#include "core/errors.h"
#include "core/http.h"
#include "core/json_parse.h"

namespace conv = mg::conversation;
using mg::Json;

namespace {
void check(bool ok) {
  if (!ok) std::abort();  // an invariant broke: libFuzzer saves the input as a crash
}

// Every kind of question a web resident answers (no lookup: that needs the database).
const conv::ServiceDefinition& service() {
  static const conv::ServiceDefinition def = [] {
    auto parsed = conv::parse_definition(mg::parse_json(R"({
      "format": "madoguchi.service/1", "service_key": "fuzz", "title": "fuzz",
      "department": "建設課",
      "steps": [
        {"id": "intro", "kind": "message", "text": "はじめます"},
        {"id": "kind", "kind": "choice", "text": "種類", "choices": [
          {"value": "a", "label": "道路の穴"}, {"value": "b", "label": "その他", "next": "memo"}]},
        {"id": "photo", "kind": "photo", "text": "写真", "max_bytes": 1000},
        {"id": "where", "kind": "location", "text": "場所"},
        {"id": "memo", "kind": "text", "text": "詳細", "optional": true, "max_length": 20},
        {"id": "tel", "kind": "text", "format": "phone", "text": "電話"},
        {"id": "day", "kind": "date", "text": "日付", "min_date": "today", "max_date": "+30d"},
        {"id": "many", "kind": "choice", "multiple": true, "text": "複数", "choices": [
          {"value": "x", "label": "X"}, {"value": "y", "label": "Y"}]},
        {"id": "confirm", "kind": "confirm", "text": "確認"},
        {"id": "submit", "kind": "submit", "text": "受付番号 {{receipt_number}}"},
        {"id": "rate", "kind": "rating", "text": "評価"}
      ]})"));
    if (!parsed.definition) std::abort();
    return *parsed.definition;
  }();
  return def;
}

void check_input(const Json& j, const conv::Input& in) {
  const std::string type = j["type"].get<std::string>();
  switch (in.type) {
    case conv::Input::Type::text:
      check(type == "text" && in.text == j["text"].get<std::string>());
      break;
    case conv::Input::Type::choice:
      check(type == "choice" && in.value == j["value"].get<std::string>());
      break;
    case conv::Input::Type::choices:
      check(type == "choices" && in.values.size() == j["values"].size());
      break;
    case conv::Input::Type::date:
      check(type == "date");
      break;
    case conv::Input::Type::location:
      check(type == "location" && in.lat >= -90 && in.lat <= 90 && in.lng >= -180 && in.lng <= 180);
      break;
    case conv::Input::Type::photo:
      check(type == "photo" && in.attachment_id == j["attachment_id"].get<int64_t>());
      break;
    case conv::Input::Type::command:
      check(type == "command" && !in.command.empty());
      break;
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mg::http::Request req;
  req.method = "POST";
  req.body.assign(reinterpret_cast<const char*>(data), size);
  Json body;
  try {
    body = req.json_body();
  } catch (const mg::ApiError& e) {
    // Malformed, not an object, or over the nesting / size limits (core/json_parse.h).
    check((e.status() == 400 && (e.code() == "invalid_json" || e.code() == "json_too_deep")) ||
          (e.status() == 413 && e.code() == "json_too_large"));
    return 0;
  }
  check(body.is_object());

  auto parsed = conv::parse_input(body);
  if (auto* err = std::get_if<conv::InputError>(&parsed)) {
    check(!err->message.empty());
  } else {
    const auto& in = std::get<conv::Input>(parsed);
    check_input(body, in);
    if (in.type == conv::Input::Type::text) (void)conv::command_from_text(in.text);
  }

  // The engine answers the same body at each step it can reach by the happy path, as
  // ChatService::input does (its host fills a photo's type and size from the stored file).
  const auto& def = service();
  conv::Context ctx{"2025-04-01", 1743465600000, nullptr, nullptr, 0};
  auto res = conv::start(def, ctx);
  const Json happy[] = {
      {{"type", "choice"}, {"value", "a"}},
      {{"type", "photo"}, {"attachment_id", 1}},
      {{"type", "location"}, {"lat", 36.8}, {"lng", 137.4}},
      {{"type", "text"}, {"text", "スキップ"}},
      {{"type", "text"}, {"text", "090-1234-5678"}},
      {{"type", "date"}, {"date", "2025-04-02"}},
      {{"type", "choices"}, {"values", {"x"}}},
      {{"type", "choice"}, {"value", "confirm"}},
  };
  for (const auto& next : happy) {
    if (res.done) break;
    auto answered = conv::handle_json(def, res.state, body, ctx);
    auto round = conv::SessionState::from_json(answered.state.to_json());
    check(round.to_json() == answered.state.to_json());
    (void)conv::prompts_to_json(answered.prompts);
    auto p = conv::parse_input(next);
    auto* in = std::get_if<conv::Input>(&p);
    check(in != nullptr);
    if (in->type == conv::Input::Type::photo) {
      in->content_type = "image/png";
      in->size = 100;
    }
    res = conv::handle(def, res.state, *in, ctx);
  }
  return 0;
}
