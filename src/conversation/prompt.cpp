#include "conversation/prompt.h"

#include <algorithm>

#include "conversation/normalize.h"

namespace mg::conversation {

namespace {
const char* type_name(Prompt::Type t) {
  switch (t) {
    case Prompt::Type::message:
      return "message";
    case Prompt::Type::question:
      return "question";
    case Prompt::Type::summary:
      return "summary";
    case Prompt::Type::completion:
      return "completion";
    case Prompt::Type::error:
      return "error";
  }
  return "message";
}

// Cuts at a newline near the limit when there is one, so paragraphs stay whole.
std::vector<std::string> split_text(const std::string& text, size_t max_chars) {
  std::vector<std::string> parts;
  std::string rest = text;
  while (char_count(rest) > max_chars) {
    size_t bytes = 0, chars = 0;
    while (chars < max_chars) {
      unsigned char c = rest[bytes];
      bytes += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      ++chars;
    }
    size_t nl = rest.rfind('\n', bytes);
    size_t cut = (nl != std::string::npos && nl > bytes / 2) ? nl + 1 : bytes;
    parts.push_back(rest.substr(0, cut));
    rest = rest.substr(cut);
  }
  parts.push_back(rest);
  return parts;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
}
}  // namespace

Json Prompt::to_json() const {
  Json j{{"type", type_name(type)}};
  switch (type) {
    case Type::message:
      j["text"] = text;
      break;
    case Type::error:
      if (!step_id.empty()) j["step_id"] = step_id;
      j["text"] = text;
      break;
    case Type::question: {
      j["step_id"] = step_id;
      j["input"] = input;
      j["text"] = text;
      if (!hint.empty()) j["hint"] = hint;
      if (!choices.empty()) {
        Json cs = Json::array();
        for (const auto& c : choices) {
          Json cj{{"value", c.value}, {"label", c.label}};
          if (c.fee) cj["fee"] = *c.fee;
          if (!c.full_label.empty()) cj["full_label"] = c.full_label;
          cs.push_back(cj);
        }
        j["choices"] = cs;
      }
      if (!selected.empty()) {
        Json sel = Json::array();
        for (const auto& c : selected) sel.push_back({{"value", c.value}, {"label", c.label}});
        j["selected"] = sel;
      }
      if (page) j["page"] = Json{{"index", page->first}, {"count", page->second}};
      if (!min_date.empty()) j["min_date"] = min_date;
      if (!max_date.empty()) j["max_date"] = max_date;
      if (!format.empty()) j["format"] = format;
      if (min_length) j["min_length"] = *min_length;
      if (max_length) j["max_length"] = *max_length;
      if (min) j["min"] = *min;
      if (max) j["max"] = *max;
      break;
    }
    case Type::summary: {
      j["text"] = text;
      Json is = Json::array();
      for (const auto& i : items)
        is.push_back({{"step_id", i.step_id},
                      {"label", i.label},
                      {"display", i.display},
                      {"editable", i.editable}});
      j["items"] = is;
      if (total_fee) j["total_fee"] = *total_fee;
      break;
    }
    case Type::completion:
      j["text"] = text;
      j["receipt_number"] = receipt_number;
      break;
  }
  return j;
}

Prompt Prompt::message(std::string text) {
  Prompt p;
  p.type = Type::message;
  p.text = std::move(text);
  return p;
}

Prompt Prompt::error(std::string step_id, std::string text) {
  Prompt p;
  p.type = Type::error;
  p.step_id = std::move(step_id);
  p.text = std::move(text);
  return p;
}

Json prompts_to_json(const std::vector<Prompt>& prompts) {
  Json a = Json::array();
  for (const auto& p : prompts) a.push_back(p.to_json());
  return a;
}

std::vector<Prompt> fit_for_line(std::vector<Prompt> prompts) {
  std::vector<Prompt> split;
  for (auto& p : prompts) {
    if (char_count(p.text) <= kMaxTextChars) {
      split.push_back(std::move(p));
      continue;
    }
    // Leading parts become plain messages; the last part keeps the prompt's type and fields.
    auto parts = split_text(p.text, kMaxTextChars);
    for (size_t i = 0; i + 1 < parts.size(); ++i) split.push_back(Prompt::message(parts[i]));
    p.text = parts.back();
    split.push_back(std::move(p));
  }
  // Merge adjacent messages (never the question / summary the resident must act on).
  while (split.size() > kMaxPromptsPerTurn) {
    bool merged = false;
    for (size_t i = 0; i + 1 < split.size(); ++i) {
      if (split[i].type == Prompt::Type::message && split[i + 1].type == Prompt::Type::message &&
          char_count(split[i].text) + char_count(split[i + 1].text) + 2 <= kMaxTextChars) {
        split[i].text += "\n\n" + split[i + 1].text;
        split.erase(split.begin() + static_cast<long>(i) + 1);
        merged = true;
        break;
      }
    }
    if (!merged) {
      // Still too many: drop the oldest plain messages; the actionable prompts matter most.
      auto it = std::find_if(split.begin(), split.end(),
                             [](const Prompt& p) { return p.type == Prompt::Type::message; });
      if (it == split.end()) break;
      split.erase(it);
    }
  }
  return split;
}

void fill_receipt_number(std::vector<Prompt>& prompts, const std::string& receipt_number) {
  for (auto& p : prompts) {
    replace_all(p.text, "{{receipt_number}}", receipt_number);
    if (p.type == Prompt::Type::completion) p.receipt_number = receipt_number;
  }
}

}  // namespace mg::conversation
