#include "conversation/flow_test.h"

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "conversation/engine.h"
#include "conversation/inline_data.h"
#include "conversation/normalize.h"
#include "conversation/validation.h"
#include "core/json_parse.h"

namespace mg::conversation {
namespace {

namespace fs = std::filesystem;

struct Row {
  std::string name;
  size_t step = 0;
  bool pass = false;
  std::string reason;
};

Json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  try {
    return parse_json(std::string(std::istreambuf_iterator<char>(in), {}));
  } catch (const Json::exception& e) {
    throw std::runtime_error(path.string() + ": invalid JSON: " + e.what());
  }
}

// All text a resident would see, to search with prompt_contains.
std::string visible_text(const std::vector<Prompt>& prompts) {
  std::string all;
  for (const auto& p : prompts) {
    all += p.text + "\n" + p.hint + "\n";
    for (const auto& c : p.choices) all += c.label + "\n" + c.full_label + "\n";
    for (const auto& i : p.items) all += i.label + "：" + i.display + "\n";
  }
  return all;
}

bool json_subset(const Json& expected, const Json& actual) {
  if (!expected.is_object()) return expected == actual;
  if (!actual.is_object()) return false;
  for (auto it = expected.begin(); it != expected.end(); ++it)
    if (!actual.contains(it.key()) || !json_subset(it.value(), actual[it.key()])) return false;
  return true;
}

// Empty when the expectation holds, else why not.
std::string check(const Json& expect, const StepResult& r) {
  if (!expect.is_object()) return {};
  if (expect.contains("step") && expect["step"] != r.state.current)
    return "expected step " + expect["step"].dump() + ", at \"" + r.state.current + "\"";
  if (expect.contains("done") && expect["done"] != r.done)
    return "expected done=" + expect["done"].dump();
  std::string text = visible_text(r.prompts);
  if (expect.contains("prompt_contains")) {
    Json wanted = expect["prompt_contains"].is_array() ? expect["prompt_contains"]
                                                       : Json::array({expect["prompt_contains"]});
    for (const auto& w : wanted)
      if (!w.is_string() || text.find(w.get<std::string>()) == std::string::npos)
        return "prompts do not contain " + w.dump() +
               " (got: " + truncate_chars(text.substr(0, text.find('\n')), 60) + ")";
  }
  if (expect.contains("error")) {
    const Prompt* err = nullptr;
    for (const auto& p : r.prompts)
      if (p.type == Prompt::Type::error) err = &p;
    const Json& e = expect["error"];
    if (e == false && err) return "unexpected error: " + err->text;
    if ((e == true || e.is_string()) && !err) return "expected an error prompt";
    if (e.is_string() && err->text.find(e.get<std::string>()) == std::string::npos)
      return "error \"" + err->text + "\" does not contain " + e.dump();
  }
  if (expect.contains("effect")) {
    Json want = expect["effect"].is_string() ? Json{{"kind", expect["effect"]}} : expect["effect"];
    bool found = false;
    for (const auto& e : r.effects) found = found || json_subset(want, e.to_json());
    if (!found) return "no effect matching " + want.dump();
  }
  if (expect.contains("answers") && expect["answers"].is_object()) {
    for (auto it = expect["answers"].begin(); it != expect["answers"].end(); ++it) {
      auto a = r.state.answers.find(it.key());
      if (a == r.state.answers.end()) return "no answer for " + it.key();
      if (a->second.value != it.value())
        return "answer " + it.key() + " is " + a->second.value.dump() + ", expected " +
               it.value().dump();
    }
  }
  return {};
}

Input to_input(const Json& j, std::string& error) {
  if (j.is_string()) return Input::of_text(j.get<std::string>());
  auto parsed = parse_input(j);
  if (auto* in = std::get_if<Input>(&parsed)) return *in;
  error = std::get<InputError>(parsed).detail;
  return {};
}

std::vector<Row> run_file(const fs::path& path, std::ostream& out) {
  std::vector<Row> rows;
  Json flow = read_json(path);
  Json def_json;
  std::string def_name = "(inline)";
  if (flow.contains("definition") && flow["definition"].is_string()) {
    fs::path def_path = path.parent_path() / flow["definition"].get<std::string>();
    def_name = flow["definition"].get<std::string>();
    def_json = read_json(def_path);
  } else if (flow.contains("definition")) {
    def_json = flow["definition"];
  } else {
    throw std::runtime_error(path.string() + ": \"definition\" (path or object) is required");
  }
  out << "== " << path.string() << "  [" << def_name << "]\n";
  LoadResult loaded = load_definition(def_json);
  if (!loaded.definition) {
    std::string reasons;
    for (const auto& i : loaded.issues)
      reasons +=
          (reasons.empty() ? "" : "; ") + (i.step_id.empty() ? "" : i.step_id + ": ") + i.message;
    rows.push_back(Row{"(definition)", 0, false, "invalid definition: " + reasons});
    return rows;
  }
  InlineLookup lookup(flow.value("lookup_lists", Json::object()));
  InlineAddresses addresses(flow.value("addresses", Json::object()));
  Context ctx;
  ctx.today = flow.value("today", "2025-04-01");
  ctx.lookup = &lookup;
  ctx.addresses = &addresses;
  ctx.lookup_failures_today = flow.value("lookup_failures_today", 0);

  for (const auto& c : flow.value("cases", Json::array())) {
    Row row{c.value("name", "(unnamed)"), 0, true, ""};
    ctx.now_ms = 1'700'000'000'000;
    StepResult r = start(*loaded.definition, ctx);
    const Json steps = c.value("steps", Json::array());
    for (size_t i = 0; i < steps.size() && row.pass; ++i) {
      row.step = i + 1;
      const Json& s = steps[i];
      if (s.contains("input")) {
        std::string error;
        Input in = to_input(s["input"], error);
        if (!error.empty()) {
          // Malformed input is itself worth testing: run it through the JSON path.
          r = handle_json(*loaded.definition, r.state, s["input"], ctx);
        } else {
          ctx.now_ms += 1000;
          // Round-trip the state through JSON as the database would.
          SessionState st = SessionState::from_json(r.state.to_json());
          r = handle(*loaded.definition, st, in, ctx);
        }
      }
      std::string why = check(s.value("expect", Json::object()), r);
      if (!why.empty()) {
        row.pass = false;
        row.reason = why;
      }
    }
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

int run_flow_tests(const std::vector<std::string>& files, std::ostream& out) {
  size_t passed = 0, failed = 0;
  for (const auto& file : files) {
    std::vector<Row> rows;
    try {
      rows = run_file(file, out);
    } catch (const std::exception& e) {
      out << "== " << file << "\n";
      rows.push_back(Row{"(file)", 0, false, e.what()});
    }
    out << "  " << std::left << std::setw(36) << "case" << std::setw(6) << "step"
        << "result\n";
    for (const auto& r : rows) {
      // setw counts bytes; pad Japanese names by characters so columns line up.
      std::string name = truncate_chars(r.name, 34);
      size_t pad = 36 > char_count(name) * 2 ? 36 - char_count(name) * 2 : 1;
      bool ascii = char_count(name) == name.size();
      if (ascii) pad = 36 - name.size();
      out << "  " << name << std::string(pad, ' ') << std::setw(6) << r.step
          << (r.pass ? "PASS" : "FAIL") << (r.reason.empty() ? "" : "  " + r.reason) << "\n";
      (r.pass ? passed : failed)++;
    }
  }
  out << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace mg::conversation
