#pragma once
// What a municipality records about its residents: attribute definitions (地区, 町内会,
// topics, 生年月日, 村民/村外, staff tags) and typed values. Tables: resident_identities,
// attribute_definitions, resident_attributes (migration 14).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mg::residents {

// How a value is stored: choice/multi-choice/text/tag in text_value, number in number_value,
// date (YYYY-MM-DD) in date_value, yes/no as text "yes" | "no".
enum class AttributeType { choice, text, number, date, yes_no, tag };

const char* to_string(AttributeType t);
std::optional<AttributeType> attribute_type_from(const std::string& s);
// The type as staff call it, for messages (「選択肢」「はい/いいえ」…).
const char* japanese_name(AttributeType t);

struct AttributeOption {
  std::string value;  // stored value, e.g. "kita"
  std::string label;  // shown to staff and residents, e.g. "北地区"
};

struct AttributeDefinition {
  int64_t id = 0;
  int64_t tenant_id = 0;
  std::string key;    // [a-z0-9_]{1,40}, e.g. "district", "child_birth_date"
  std::string label;  // Japanese, e.g. "地区"
  AttributeType type = AttributeType::text;
  bool multiple = false;                 // several values (topics, children's birth dates)
  std::vector<AttributeOption> options;  // choice only
  bool resident_editable = false;        // residents may set it themselves (受信設定)
  std::string resident_label;            // what residents read (empty: label), migration 25
  std::string resident_help;             // one line of help for residents (may be empty)
  int64_t position = 0;
};

// One stored value; exactly one of the three is set, by the definition's type.
struct AttributeValue {
  std::string key;
  std::optional<std::string> text;
  std::optional<double> number;
  std::optional<std::string> date;
};

}  // namespace mg::residents
