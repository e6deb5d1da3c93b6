// What the depth cap costs on the hot path (LINE webhook bodies, chat inputs): plain nlohmann
// parse against the bounded parse_json (a linear pre-scan, then nlohmann), and against the
// alternative of nlohmann's parser callback, which also sees the depth.
#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "core/json_parse.h"

namespace {

// A LINE webhook body with n text-message events (~0.5 KB each), as LINE sends them.
std::string webhook_body(int n) {
  mg::Json events = mg::Json::array();
  for (int i = 0; i < n; ++i)
    events.push_back(
        {{"type", "message"},
         {"mode", "active"},
         {"timestamp", 1700000000000 + i},
         {"webhookEventId", "01HABCDEFGHJKMNPQRSTVWXYZ" + std::to_string(i)},
         {"deliveryContext", {{"isRedelivery", false}}},
         {"replyToken", "b60d432864f44d079f6d8efe86cf404b" + std::to_string(i)},
         {"source", {{"type", "user"}, {"userId", "U4af4980629a1b2c3d4e5f60718293a4b"}}},
         {"message",
          {{"id", "4684" + std::to_string(i)},
           {"type", "text"},
           {"quoteToken", "q3Plxr4AgKd4-Xf5-eFnOw" + std::to_string(i)},
           {"text", "住民票の写しを請求したいです。[本人] {世帯全員}"}}}});
  return mg::Json{{"destination", "U1234567890abcdef1234567890abcdef"}, {"events", events}}.dump();
}

// A service definition as staff write them (templates/juminhyo.json, ~3 KB), found next to this
// file; empty when the bench runs elsewhere.
std::string template_file() {
  std::string here = __FILE__;
  std::ifstream in(here.substr(0, here.rfind('/') + 1) + "../templates/juminhyo.json");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

const std::string& body_for(int which) {
  static const std::string small = webhook_body(2), medium = webhook_body(8),
                           definition = template_file();
  return which == 0 ? small : which == 1 ? medium : definition;
}

void label(benchmark::State& state, const std::string& text) {
  if (text.empty()) state.SkipWithError("templates/juminhyo.json not found");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.SetLabel(std::to_string(text.size()) + " B");
}

void BM_PlainParse(benchmark::State& state) {
  const auto& text = body_for(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(mg::Json::parse(text));
  label(state, text);
}

void BM_ParseJson(benchmark::State& state) {
  const auto& text = body_for(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(mg::parse_json(text));
  label(state, text);
}

void BM_DepthScanOnly(benchmark::State& state) {
  const auto& text = body_for(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(mg::json_nesting_depth(text, 64));
  label(state, text);
}

void BM_CallbackParse(benchmark::State& state) {
  const auto& text = body_for(static_cast<int>(state.range(0)));
  auto cb = [](int depth, mg::Json::parse_event_t, mg::Json&) {
    if (depth > 64) throw std::runtime_error("too deep");
    return true;
  };
  for (auto _ : state) benchmark::DoNotOptimize(mg::Json::parse(text, cb));
  label(state, text);
}

}  // namespace

// 0: webhook with 2 events, 1: webhook with 8 events, 2: a service definition template.
BENCHMARK(BM_PlainParse)->Arg(0)->Arg(1)->Arg(2);
BENCHMARK(BM_ParseJson)->Arg(0)->Arg(1)->Arg(2);
BENCHMARK(BM_DepthScanOnly)->Arg(0)->Arg(1)->Arg(2);
BENCHMARK(BM_CallbackParse)->Arg(0)->Arg(1)->Arg(2);
