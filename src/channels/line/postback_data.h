#pragma once
// What a tap carries back to us. LINE returns a postback's `data` verbatim, so every button we
// render encodes the resident's intent here, in a short query-string form (data ≤ 300).
#include <optional>
#include <string>

namespace mg::line {

struct Postback {
  enum class Kind { choice, date, edit, service, menu, command };
  Kind kind = Kind::choice;
  std::string value;  // choice value, step id (date/edit), service id, menu page, command
};

std::string encode_postback(const Postback& p);
std::optional<Postback> decode_postback(const std::string& data);

}  // namespace mg::line
