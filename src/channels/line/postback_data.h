#pragma once
// What a tap carries back to us. LINE returns a postback's `data` verbatim, so every button we
// render encodes the resident's intent here, in a short query-string form (data ≤ 300).
#include <optional>
#include <string>
#include <utility>

namespace mg::line {

struct Postback {
  enum class Kind { choice, date, edit, service, menu, command, setting };
  Postback(Kind k = Kind::choice, std::string v = {}, std::string s = {})
      : kind(k), value(std::move(v)), step(std::move(s)) {}
  Kind kind = Kind::choice;
  // choice value, step id (date/edit), service id, menu page, command, or what a 受信設定
  // button does (receiving_settings.h)
  std::string value;
  // The multi-choice step a choice tap belongs to, so its answer can be a short acknowledgement
  // instead of the whole question again; for a 受信設定 button, the attribute key (empty for
  // every other button).
  std::string step;
};

std::string encode_postback(const Postback& p);
std::optional<Postback> decode_postback(const std::string& data);

}  // namespace mg::line
