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

std::optional<AttributeType> attribute_type_from(const std::string& s) {
  for (auto t : {AttributeType::choice, AttributeType::text, AttributeType::number,
                 AttributeType::date, AttributeType::yes_no, AttributeType::tag})
    if (s == to_string(t)) return t;
  return std::nullopt;
}

}  // namespace mg::residents
