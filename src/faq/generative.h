#pragma once
// Optional generative answers (issue 14): when a question has only candidates, the top
// retrieved entries/passages and the masked question go to an operator-configured
// OpenAI-compatible endpoint, which must answer from those sources only and cite them.
// Off unless the operator set --llm-url and the tenant's admin switched it on.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "faq/model.h"
#include "faq/personal_mask.h"
#include "store/db.h"

namespace mg::faq {

// Operator settings (never staff): without a URL the feature is unavailable.
struct LlmSettings {
  std::string url;  // base; POST {url}/chat/completions
  std::string key;  // bearer token, may be empty (local servers)
  std::string model;
  long timeout_ms = 8000;
  int concurrency = 2;  // calls in progress at once
  bool available() const { return !url.empty(); }
};

struct Source {
  std::string title;
  std::string url;
  std::string text;
};
constexpr std::size_t kMaxSources = 3;
constexpr std::size_t kMaxSourceChars = 1500;  // each source's text is cut to this

// The chat/completions request body: a system prompt (sources only, cite, else 「わかりません」),
// the numbered sources and the (already masked) question.
Json chat_request(const std::string& model, const std::string& masked_question,
                  const std::vector<Source>& sources);

struct Generated {
  bool ok = false;
  std::string text;  // the model's answer (ok only)
  // "timeout" | "transport" | "http" | "malformed" | "refused" | "unknown" | "busy" |
  // "skipped" (a deferred LINE answer whose question or sources were gone: no call)
  std::string failure;
  int status = 0;  // HTTP status, 0 without a response
  int64_t latency_ms = 0;
  int64_t prompt_tokens = 0, completion_tokens = 0;
};

// Reads a chat/completions response body (status already 2xx).
Generated read_chat_response(std::string_view body);

// Blocking: call it outside any transaction.
Generated generate(const LlmSettings& llm, const std::string& masked_question,
                   const std::vector<Source>& sources);

// Sources from retrieved entries (passages carry their page URL).
std::vector<Source> sources_of(const std::vector<Entry>& entries);

// The tenant's switch (default off) and the per-answer log (no question text).
bool generative_enabled(store::Tx& tx, int64_t tenant_id);
void set_generative_enabled(store::Tx& tx, int64_t tenant_id, bool on, int64_t now_ms);
void log_generation(store::Tx& tx, int64_t tenant_id, int64_t question_id, const Generated& g,
                    int64_t now_ms);
// Whether a model call was already logged for the question (a retried LINE job sends nothing).
bool generation_logged(store::Tx& tx, int64_t tenant_id, int64_t question_id);

}  // namespace mg::faq
