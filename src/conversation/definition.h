#pragma once
// A service definition: the dialog staff build (or import from a template) for one procedure.
// Parsed from the "madoguchi.service/1" JSON format documented in docs/service-definition.md.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <typeinfo>
#include <vector>

#include "conversation/condition.h"
#include "core/json.h"

namespace mg::conversation {

inline constexpr const char* kServiceFormat = "madoguchi.service/1";
inline constexpr const char* kEndStep = "end";  // a "next" that finishes the dialog

enum class StepKind {
  message,
  choice,
  text,
  date,
  address,
  photo,
  location,
  branch,
  lookup,
  confirm,
  submit,
  rating,
  plugin  // a kind registered through register_step_kind (conversation/step_kind.h)
};
enum class TextFormat { free, kana, email, phone, postal_code, number };

const char* to_string(StepKind k);
std::optional<StepKind> step_kind_from(const std::string& s);
const char* to_string(TextFormat f);

struct ChoiceOption {
  std::string value;
  std::string label;
  std::string short_label;  // for LINE buttons (≤ 20 chars); derived from label when empty
  std::optional<int64_t> fee;
  std::string next;
};

struct BranchCase {
  Condition when;
  std::string next;
};

class StepKindSpec;  // conversation/step_kind.h: what a kind does (parse, ask, interpret...)

// A plug-in kind's own fields, parsed by its StepKindSpec::parse (built-in kinds keep theirs in
// Step below, where templates, tests and the catalogue read them).
struct StepData {
  virtual ~StepData() = default;
};

struct Step {
  std::string id;
  StepKind kind = StepKind::message;
  // Set by the parser; null for a hand-built Step of a built-in kind (spec_of falls back to
  // the built-in of `kind`).
  const StepKindSpec* spec = nullptr;
  std::shared_ptr<const StepData> data;  // plug-in kinds only

  // The plug-in data as its kind's type; throws std::bad_cast when it is not.
  template <typename T>
  const T& data_as() const {
    if (!data) throw std::bad_cast();
    return dynamic_cast<const T&>(*data);
  }

  std::string text;
  std::string label;  // summary / staff column label; falls back to text
  std::string hint;
  std::string next;  // empty: the following step in the list
  bool optional = false;
  std::string extension;  // e.g. "identity": a hook the host fills in (JPKI), engine shows text
  // Whether the answer is personal data (needs the privacy notice first); unset: decided by
  // kind and format (asks_personal_data).
  std::optional<bool> personal;

  // choice
  std::vector<ChoiceOption> choices;
  bool multiple = false;
  int min_selections = 1;
  int max_selections = 0;  // 0: no upper limit

  // text
  TextFormat format = TextFormat::free;
  std::optional<int> min_length, max_length;
  std::optional<double> min, max;   // number format
  std::optional<int64_t> unit_fee;  // number format: fee per unit (e.g. 300 yen per copy)

  // date: ISO or relative spec ("today", "+3d", "-100y")
  std::string min_date, max_date;

  // photo
  int64_t max_bytes = 10 * 1024 * 1024;
  std::vector<std::string> types{"image/jpeg", "image/png"};

  // address
  bool ask_postal_code = true;

  // branch
  std::vector<BranchCase> cases;
  std::string default_next;

  // lookup: list name, list field -> step id whose answer must match
  std::string list;
  std::vector<std::pair<std::string, std::string>> match_fields;
  std::string on_fail;
  int daily_limit = 5;
  std::string retry;  // step to re-ask after a miss; default: first match field's step

  // confirm / submit / rating texts come from `text`
};

// An application gets a 受付番号 to quote when enquiring; a survey's answers are anonymous
// opinions, so nobody will enquire about them and none is handed out.
enum class ServiceKind { application, survey };
// 個人情報の取扱い: shown, and agreed to, before the first question asking personal data.
struct PrivacyNotice {
  std::string text;     // 利用目的, 保存期間… as the municipality writes them
  std::string url;      // optional page with the full policy
  std::string version;  // optional staff label (e.g. "2025-04"); the hash identifies it anyway
  std::string sha256;   // of text and url, filled by the parser; stored with each consent
};

inline constexpr size_t kMaxNoticeChars = 2000;

struct ServiceDefinition {
  std::string format = kServiceFormat;
  ServiceKind kind = ServiceKind::application;
  std::string service_key;
  std::string title;
  std::string department;
  std::string category;
  std::string description;
  std::string available_from, available_to;  // ISO dates, optional
  std::optional<int64_t> fee;                // base fee in yen
  std::string locale = "ja";
  std::string start;  // resolved to the first step when absent
  std::vector<Step> steps;
  std::string completion_message;
  std::optional<PrivacyNotice> privacy_notice;

  const Step* find(const std::string& id) const;
  int index_of(const std::string& id) const;  // -1 when absent
  // The step after `s` in list order, or kEndStep for the last one.
  std::string following(const Step& s) const;
  // Where a lookup miss sends the resident: "retry", else the earliest matched question.
  std::string lookup_retry(const Step& lookup) const;
};

// A problem found while parsing or validating; `code` is stable for clients, message for humans.
struct Issue {
  std::string step_id;  // empty for service-level issues
  std::string field;
  std::string code;
  std::string message;
  Json to_json() const;
};

struct ParseResult {
  std::optional<ServiceDefinition> definition;
  std::vector<Issue> issues;  // structural problems; definition is empty when any exist
};

// Parses the JSON format; never throws. An unsupported "format" fails with code
// "incompatible_format" naming the expected and given versions.
ParseResult parse_definition(const Json& j);

// True when the step asks the resident something (and so stores an answer).
bool is_question(StepKind k);  // built-in kinds; false for StepKind::plugin
bool is_question(const Step& s);

// The step's "kind" as written in the JSON ("choice", or a plug-in's name).
std::string kind_name(const Step& s);

// True when the step's answer is personal data: its `personal` field when set, else address
// steps and text steps in the kana (フリガナ), email, phone or postal-code format.
bool asks_personal_data(const Step& s);

}  // namespace mg::conversation
