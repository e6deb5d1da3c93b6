#include "delivery/variables.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "channels/line/line_limits.h"
#include "channels/line/text_units.h"
#include "core/errors.h"

namespace mg::delivery {

namespace {

constexpr std::size_t kMaxNameChars = 40;

// Calls f(begin, end) for each well-formed {name}: [begin, end) spans the braces.
template <typename F>
void each_token(const std::string& text, F f) {
  std::size_t i = 0;
  while ((i = text.find('{', i)) != std::string::npos) {
    std::size_t j = i + 1, chars = 0;
    bool ok = true;
    for (; j < text.size() && text[j] != '}'; ++j) {
      char c = text[j];
      if (c == '{' || c == '\n' || c == '\r') {
        ok = false;
        break;
      }
      chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }
    if (ok && j < text.size() && chars > 0 && chars <= kMaxNameChars) {
      f(i, j + 1);
      i = j + 1;
    } else {
      i = j < text.size() && text[j] == '{' ? j : i + 1;
    }
  }
}

std::string date_words(const std::string& iso) {
  if (iso.size() != 10) return iso;
  return iso.substr(0, 4) + "年" + std::to_string(std::stoi(iso.substr(5, 2))) + "月" +
         std::to_string(std::stoi(iso.substr(8, 2))) + "日";
}

std::string number_words(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)
    return std::to_string(static_cast<long long>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::vector<std::string> variable_names(const std::string& text) {
  std::vector<std::string> out;
  each_token(text, [&](std::size_t b, std::size_t e) {
    std::string name = text.substr(b + 1, e - b - 2);
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  });
  return out;
}

std::vector<residents::AttributeDefinition> variable_attributes(
    const std::vector<residents::AttributeDefinition>& definitions) {
  std::vector<residents::AttributeDefinition> out;
  for (const auto& d : definitions)
    if (d.type != residents::AttributeType::tag) out.push_back(d);
  return out;
}

void check_variables(const Json& messages,
                     const std::vector<residents::AttributeDefinition>& definitions) {
  auto usable = variable_attributes(definitions);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const Json& m = messages[i];
    if (!m.is_object() || m.value("type", "") != "text") continue;
    for (const auto& name : variable_names(m.value("text", std::string()))) {
      bool known =
          std::any_of(usable.begin(), usable.end(),
                      [&](const residents::AttributeDefinition& d) { return d.label == name; });
      if (!known)
        throw ApiError::bad_request(
            "差し込み項目「" + name +
                "」はありません。住民の属性の名前を {地区} のように書いてください",
            "messages[" + std::to_string(i) + "].text");
    }
  }
}

std::vector<residents::AttributeDefinition> used_variables(
    const Json& messages, const std::vector<residents::AttributeDefinition>& definitions) {
  std::vector<residents::AttributeDefinition> out;
  auto usable = variable_attributes(definitions);
  for (const auto& m : messages) {
    if (!m.is_object() || m.value("type", "") != "text") continue;
    for (const auto& name : variable_names(m.value("text", std::string()))) {
      auto it =
          std::find_if(usable.begin(), usable.end(),
                       [&](const residents::AttributeDefinition& d) { return d.label == name; });
      if (it == usable.end()) continue;
      if (std::none_of(out.begin(), out.end(),
                       [&](const residents::AttributeDefinition& d) { return d.key == it->key; }))
        out.push_back(*it);
    }
  }
  return out;
}

std::string display_value(const residents::AttributeDefinition& def,
                          const std::vector<residents::AttributeValue>& values) {
  std::string out;
  for (const auto& v : values) {
    if (v.key != def.key) continue;
    std::string one;
    switch (def.type) {
      case residents::AttributeType::choice: {
        one = v.text.value_or("");
        for (const auto& o : def.options)
          if (o.value == one) one = o.label;
        break;
      }
      case residents::AttributeType::yes_no:
        one = v.text.value_or("") == "yes" ? "はい" : "いいえ";
        break;
      case residents::AttributeType::number:
        one = v.number ? number_words(*v.number) : "";
        break;
      case residents::AttributeType::date:
        one = v.date ? date_words(*v.date) : "";
        break;
      case residents::AttributeType::text:
      case residents::AttributeType::tag:
        one = v.text.value_or("");
        break;
    }
    if (one.empty()) continue;
    out += (out.empty() ? "" : "、") + one;
  }
  return out;
}

std::string substitute(const std::string& text, const std::map<std::string, std::string>& values) {
  std::string out;
  std::size_t at = 0;
  each_token(text, [&](std::size_t b, std::size_t e) {
    auto it = values.find(text.substr(b + 1, e - b - 2));
    if (it == values.end()) return;
    out += text.substr(at, b - at) + it->second;
    at = e;
  });
  return out + text.substr(at);
}

Json substitute_messages(const Json& messages, const std::map<std::string, std::string>& values) {
  Json out = messages;
  for (auto& m : out)
    if (m.is_object() && m.value("type", "") == "text" && m.contains("text") &&
        m["text"].is_string())
      m["text"] =
          line::prefix_utf16(substitute(m["text"].get<std::string>(), values), line::kMaxTextUnits);
  return out;
}

}  // namespace mg::delivery
