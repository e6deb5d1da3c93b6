#include "residents/model.h"

namespace mg::residents {

const char* to_string(AttributeType t) {
  switch (t) {
    case AttributeType::choice:
      return "choice";
    case AttributeType::text:
      return "text";
    case AttributeType::number:
      return "number";
    case AttributeType::date:
      return "date";
    case AttributeType::yes_no:
      return "yes_no";
    case AttributeType::tag:
      return "tag";
  }
  return "text";
}

const char* japanese_name(AttributeType t) {
  switch (t) {
    case AttributeType::choice:
      return "選択肢";
    case AttributeType::text:
      return "文字";
    case AttributeType::number:
      return "数値";
    case AttributeType::date:
      return "日付";
    case AttributeType::yes_no:
      return "はい/いいえ";
    case AttributeType::tag:
      return "タグ";
  }
  return "文字";
}

std::optional<AttributeType> attribute_type_from(const std::string& s) {
  for (auto t : {AttributeType::choice, AttributeType::text, AttributeType::number,
                 AttributeType::date, AttributeType::yes_no, AttributeType::tag})
    if (s == to_string(t)) return t;
  return std::nullopt;
}

}  // namespace mg::residents
