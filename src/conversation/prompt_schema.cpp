// The JSON Schema of the Prompt and Input contract (docs/API.md). Kept beside Prompt::to_json and
// parse_input; tests validate real prompts of every bundled template against it, and the web
// client's TypeScript types are generated from it, so a field added on one side fails a test.
#include "conversation/prompt.h"

namespace mg::conversation {

namespace {

Json ref(const std::string& name) { return Json{{"$ref", "#/$defs/" + name}}; }
Json str(const std::string& description = {}) {
  Json j{{"type", "string"}};
  if (!description.empty()) j["description"] = description;
  return j;
}
Json integer(const std::string& description = {}) {
  Json j{{"type", "integer"}};
  if (!description.empty()) j["description"] = description;
  return j;
}
Json number(const std::string& description = {}) {
  Json j{{"type", "number"}};
  if (!description.empty()) j["description"] = description;
  return j;
}
Json array_of(Json items, const std::string& description = {}) {
  Json j{{"type", "array"}, {"items", std::move(items)}};
  if (!description.empty()) j["description"] = description;
  return j;
}
Json literal(const std::string& value) { return Json{{"const", value}}; }
Json one_of_strings(const std::vector<std::string>& values, const std::string& description = {}) {
  Json j{{"type", "string"}, {"enum", values}};
  if (!description.empty()) j["description"] = description;
  return j;
}

// A closed object: a field the server emits but the schema lacks fails validation.
Json object(const std::string& description, Json properties, std::vector<std::string> required) {
  return Json{{"type", "object"},
              {"description", description},
              {"additionalProperties", false},
              {"required", required},
              {"properties", std::move(properties)}};
}

Json one_of(const std::vector<std::string>& names, const std::string& description) {
  Json refs = Json::array();
  for (const auto& n : names) refs.push_back(ref(n));
  return Json{{"description", description}, {"oneOf", refs}};
}

}  // namespace

Json prompt_schema() {
  Json defs = Json::object();
  defs["Choice"] = object(
      "A button. label is cut for LINE buttons; full_label (when present) is the whole wording.",
      {{"value", str()},
       {"label", str("At most 20 characters.")},
       {"fee", integer("Fee in yen added when chosen.")},
       {"full_label", str()}},
      {"value", "label"});
  defs["SummaryItem"] = object("One answer on the summary.",
                               {{"step_id", str()},
                                {"label", str()},
                                {"display", str()},
                                {"editable", Json{{"type", "boolean"}}}},
                               {"step_id", "label", "display", "editable"});
  defs["Page"] = object("Which page of a long choice list is shown (0-based).",
                        {{"index", integer()}, {"count", integer()}}, {"index", "count"});
  defs["QuestionInput"] = one_of_strings({"text", "choice", "multi_choice", "date", "location",
                                          "photo", "rating", "confirm", "consent"},
                                         "The widget a question needs.");
  defs["PrivacyNotice"] = object(
      "consent: the service's privacy notice (個人情報の取扱い) to show before agreeing.",
      {{"text", str()},
       {"url", str("Optional page with the full policy (http/https).")},
       {"version", str("Optional label the town gave this notice.")},
       {"declined", Json{{"type", "boolean"}, {"description", "The resident said 同意しない."}}}},
      {"text", "declined"});
  defs["TextFormat"] = one_of_strings(
      {"kana", "email", "phone", "postal_code", "number", "address_town", "address"},
      "What a typed answer must look like (an address step: postal_code, then address_town to "
      "choose among a code's towns, then address for the rest); absent for free text.");
  defs["MessagePrompt"] = object("Something said; nothing to answer.",
                                 {{"type", literal("message")}, {"text", str()}}, {"type", "text"});
  defs["QuestionPrompt"] = object(
      "A question the resident answers.",
      {{"type", literal("question")},
       {"step_id", str()},
       {"input", ref("QuestionInput")},
       {"text", str()},
       {"hint", str()},
       {"choices", array_of(ref("Choice"))},
       {"selected", array_of(ref("Choice"), "multi_choice: what is ticked now, from any page.")},
       {"page", ref("Page")},
       {"min_date", str("date: earliest allowed, ISO.")},
       {"max_date", str("date: latest allowed, ISO.")},
       {"format", ref("TextFormat")},
       {"min_length", integer("text: fewest characters.")},
       {"max_length", integer("text: most characters.")},
       {"min", number("number format: smallest value.")},
       {"max", number("number format: largest value.")},
       {"notice", ref("PrivacyNotice")}},
      {"type", "step_id", "input", "text"});
  defs["SummaryPrompt"] = object("The answers to confirm before applying.",
                                 {{"type", literal("summary")},
                                  {"text", str()},
                                  {"items", array_of(ref("SummaryItem"))},
                                  {"total_fee", integer("Fee in yen of the answers given.")}},
                                 {"type", "text", "items"});
  defs["CompletionPrompt"] =
      object("The application was received.",
             {{"type", literal("completion")}, {"text", str()}, {"receipt_number", str()}},
             {"type", "text", "receipt_number"});
  defs["ErrorPrompt"] =
      object("An answer was not accepted; the question follows again.",
             {{"type", literal("error")}, {"step_id", str()}, {"text", str()}}, {"type", "text"});
  defs["Prompt"] = one_of(
      {"MessagePrompt", "QuestionPrompt", "SummaryPrompt", "CompletionPrompt", "ErrorPrompt"},
      "One item of a turn's output, for any channel.");

  defs["Command"] = one_of_strings({"back", "restart", "quit", "help", "edit"});
  defs["TextInput"] =
      object("Typed text.", {{"type", literal("text")}, {"text", str()}}, {"type", "text"});
  defs["ChoiceInput"] = object("A tapped choice.", {{"type", literal("choice")}, {"value", str()}},
                               {"type", "value"});
  defs["ChoicesInput"] =
      object("multi_choice: every ticked value.",
             {{"type", literal("choices")}, {"values", array_of(str())}}, {"type", "values"});
  defs["DateInput"] = object("A picked date.", {{"type", literal("date")}, {"date", str("ISO.")}},
                             {"type", "date"});
  defs["LocationInput"] = object(
      "A position.",
      {{"type", literal("location")}, {"lat", number()}, {"lng", number()}, {"address", str()}},
      {"type", "lat", "lng"});
  defs["PhotoInput"] =
      object("An uploaded photo.", {{"type", literal("photo")}, {"attachment_id", integer()}},
             {"type", "attachment_id"});
  defs["CommandInput"] =
      object("A command; edit names the step to change.",
             {{"type", literal("command")}, {"command", ref("Command")}, {"step_id", str()}},
             {"type", "command"});
  defs["Input"] = one_of({"TextInput", "ChoiceInput", "ChoicesInput", "DateInput", "LocationInput",
                          "PhotoInput", "CommandInput"},
                         "One resident action.");

  return Json{{"$schema", "https://json-schema.org/draft/2020-12/schema"},
              {"$id", "https://madoguchi.invalid/schema/prompt.json"},
              {"title", "madoguchi Prompt and Input"},
              {"$defs", defs}};
}

}  // namespace mg::conversation
