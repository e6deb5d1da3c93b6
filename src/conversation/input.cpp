#include "conversation/input.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "conversation/normalize.h"

namespace mg::conversation {

Input Input::of_text(std::string text) {
  Input i;
  i.type = Type::text;
  i.text = std::move(text);
  return i;
}

Input Input::of_choice(std::string value) {
  Input i;
  i.type = Type::choice;
  i.value = std::move(value);
  return i;
}

Input Input::of_command(std::string command, std::string step_id) {
  Input i;
  i.type = Type::command;
  i.command = std::move(command);
  i.step_id = std::move(step_id);
  return i;
}

namespace {
const char* kBadInput = "入力を受け付けられませんでした。もう一度お試しください。";

InputError bad(std::string detail) { return InputError{kBadInput, std::move(detail)}; }

bool is_str(const Json& j, const char* k) { return j.contains(k) && j[k].is_string(); }
}  // namespace

std::variant<Input, InputError> parse_input(const Json& j) {
  if (!j.is_object()) return bad("input must be a JSON object");
  if (!is_str(j, "type")) return bad("input needs a string \"type\"");
  std::string type = j["type"].get<std::string>();
  Input in;
  if (type == "text") {
    if (!is_str(j, "text")) return bad("text input needs a string \"text\"");
    in.type = Input::Type::text;
    in.text = j["text"].get<std::string>();
  } else if (type == "choice") {
    if (!is_str(j, "value")) return bad("choice input needs a string \"value\"");
    in.type = Input::Type::choice;
    in.value = j["value"].get<std::string>();
  } else if (type == "choices") {
    if (!j.contains("values") || !j["values"].is_array())
      return bad("choices input needs an array \"values\"");
    in.type = Input::Type::choices;
    for (const auto& v : j["values"]) {
      if (!v.is_string()) return bad("choices values must be strings");
      in.values.push_back(v.get<std::string>());
    }
  } else if (type == "date") {
    if (!is_str(j, "date")) return bad("date input needs a string \"date\"");
    in.type = Input::Type::date;
    in.date = j["date"].get<std::string>();
  } else if (type == "location") {
    if (!j.contains("lat") || !j.contains("lng") || !j["lat"].is_number() || !j["lng"].is_number())
      return bad("location input needs numbers \"lat\" and \"lng\"");
    in.type = Input::Type::location;
    in.lat = j["lat"].get<double>();
    in.lng = j["lng"].get<double>();
    if (in.lat < -90 || in.lat > 90 || in.lng < -180 || in.lng > 180)
      return bad("location out of range");
    if (is_str(j, "address")) in.address = j["address"].get<std::string>();
  } else if (type == "photo") {
    if (!j.contains("attachment_id") || !j["attachment_id"].is_number_integer())
      return bad("photo input needs an integer \"attachment_id\"");
    in.type = Input::Type::photo;
    in.attachment_id = j["attachment_id"].get<int64_t>();
    if (is_str(j, "content_type")) in.content_type = j["content_type"].get<std::string>();
    if (j.contains("size") && j["size"].is_number_integer()) in.size = j["size"].get<int64_t>();
  } else if (type == "command") {
    static const std::vector<std::string> kCommands{"back", "restart", "quit", "help", "edit"};
    if (!is_str(j, "command")) return bad("command input needs a string \"command\"");
    in.type = Input::Type::command;
    in.command = j["command"].get<std::string>();
    if (std::find(kCommands.begin(), kCommands.end(), in.command) == kCommands.end())
      return bad("unknown command \"" + in.command + "\"");
    if (is_str(j, "step_id")) in.step_id = j["step_id"].get<std::string>();
    if (in.command == "edit" && in.step_id.empty()) return bad("edit command needs \"step_id\"");
  } else {
    return bad("unknown input type \"" + type + "\"");
  }
  return in;
}

std::optional<std::string> command_from_text(const std::string& text) {
  static const std::map<std::string, std::string> kWords{
      {"戻る", "back"},
      {"もどる", "back"},
      {"モドル", "back"},
      {"前に戻る", "back"},
      {"back", "back"},
      {"最初から", "restart"},
      {"さいしょから", "restart"},
      {"はじめから", "restart"},
      {"最初からやり直す", "restart"},
      {"restart", "restart"},
      {"やめる", "quit"},
      {"止める", "quit"},
      {"中止", "quit"},
      {"quit", "quit"},
      {"ヘルプ", "help"},
      {"へるぷ", "help"},
      {"使い方", "help"},
      {"help", "help"},
  };
  std::string t = normalize_text(text);
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return c < 0x80 ? std::tolower(c) : c; });
  auto it = kWords.find(t);
  if (it == kWords.end()) return std::nullopt;
  return it->second;
}

}  // namespace mg::conversation
