#pragma once
// Channel-neutral output of a turn. to_json() is the "Prompt" contract in docs/API.md; the web
// chat renders it directly and the LINE channel maps it to messages and quick replies.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/json.h"

namespace mg::conversation {

// LINE Messaging API limits the prompts are kept within.
inline constexpr size_t kMaxQuickReplies = 13;
inline constexpr size_t kChoicesPerPage = 11;  // leaves room for 前へ and 次へ
inline constexpr size_t kMaxUnpagedChoices = 12;
inline constexpr size_t kMaxLabelChars = 20;
inline constexpr size_t kMaxTextChars = 5000;
inline constexpr size_t kMaxPromptsPerTurn = 5;

inline constexpr const char* kNextPage = "__next__";
inline constexpr const char* kPrevPage = "__prev__";
inline constexpr const char* kSkip = "__skip__";

struct PromptChoice {
  PromptChoice() = default;
  PromptChoice(std::string v, std::string l, std::optional<int64_t> f = std::nullopt,
               std::string full = {})
      : value(std::move(v)), label(std::move(l)), fee(f), full_label(std::move(full)) {}

  std::string value;
  std::string label;  // ≤ kMaxLabelChars
  std::optional<int64_t> fee;
  std::string full_label;  // the whole label when `label` is cut for LINE buttons
};

struct SummaryItem {
  std::string step_id;
  std::string label;
  std::string display;
  bool editable = true;
};

struct Prompt {
  enum class Type { message, question, summary, completion, error };
  Type type = Type::message;
  std::string text;
  // question
  std::string step_id;  // also for error
  std::string input;    // text|choice|multi_choice|date|location|photo|rating|confirm
  std::string hint;
  std::vector<PromptChoice> choices;
  // multi_choice: what is ticked now (the stored answer when editing it), with full labels,
  // so a client can pre-tick boxes on any page.
  std::vector<PromptChoice> selected;
  std::optional<std::pair<int, int>> page;  // index, count
  std::string min_date, max_date;
  // text: what the answer must look like, so a client picks a keyboard and autofill
  // (kana|email|phone|postal_code|number; empty for free text) and can limit what is typed.
  std::string format;
  std::optional<int> min_length, max_length;
  std::optional<double> min, max;
  // summary
  std::vector<SummaryItem> items;
  std::optional<int64_t> total_fee;
  // completion
  std::string receipt_number;

  Json to_json() const;

  static Prompt message(std::string text);
  static Prompt error(std::string step_id, std::string text);
};

Json prompts_to_json(const std::vector<Prompt>& prompts);

// JSON Schema (2020-12) of what to_json() emits and of the Input a client sends: the one source
// the web client's types are generated from (`madoguchi schema prompt`, web/src/chat/).
Json prompt_schema();

// Splits over-long texts and merges leading messages so a turn fits LINE's 5 messages.
std::vector<Prompt> fit_for_line(std::vector<Prompt> prompts);

// After the host stores the application: puts the receipt number into completion prompts and
// replaces {{receipt_number}} in their text.
void fill_receipt_number(std::vector<Prompt>& prompts, const std::string& receipt_number);

}  // namespace mg::conversation
