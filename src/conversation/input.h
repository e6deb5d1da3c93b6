#pragma once
// One resident action, parsed from the "Input" JSON of docs/API.md or from typed text.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/json.h"

namespace mg::conversation {

struct Input {
  enum class Type { text, choice, choices, date, location, photo, command };
  Type type = Type::text;
  std::string text;                 // text
  std::string value;                // choice
  std::vector<std::string> values;  // choices
  std::string date;                 // date (ISO from pickers)
  double lat = 0, lng = 0;          // location
  std::string address;              // location (optional)
  int64_t attachment_id = 0;        // photo
  std::string content_type;         // photo: filled by the host from the stored attachment
  int64_t size = 0;                 // photo: bytes, 0 when unknown
  std::string command;              // back|restart|quit|help|edit
  std::string step_id;              // edit

  static Input of_text(std::string text);
  static Input of_choice(std::string value);
  static Input of_command(std::string command, std::string step_id = {});
};

struct InputError {
  std::string message;  // Japanese, shown to the resident
  std::string detail;   // English, for logs
};

// Never throws: malformed input gives an InputError.
std::variant<Input, InputError> parse_input(const Json& j);

// Typed text that is a command (戻る, 最初から, やめる, ヘルプ, back, ...) after normalisation.
std::optional<std::string> command_from_text(const std::string& text);

}  // namespace mg::conversation
