// An attribute definition and a value for it, as staff send them (POST
// /api/resident-attributes, PUT /api/residents/{id}/attributes), in one JSON document
// {"definition": {...}, "value": ...}. Beyond "no crash": either a 400 naming a field, or a
// definition that passes its own rules and survives to_json -> definition_from_json unchanged,
// and values that fit it (a choice among the options, an existing date, yes/no, a finite
// number, several only when multiple).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/errors.h"
#include "core/json_parse.h"
#include "residents/service.h"

namespace {
void check(bool ok) {
  if (!ok) std::abort();  // an invariant broke: libFuzzer saves the input as a crash
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mg::residents;
  mg::Json doc;
  try {
    doc = mg::parse_json_or_discarded(std::string_view(reinterpret_cast<const char*>(data), size),
                                      mg::JsonLimits{64, 1 << 20});
  } catch (const mg::ApiError&) {
    return 0;  // over the nesting/size limits: the request body is refused before any rule
  }
  if (!doc.is_object()) return 0;
  AttributeDefinition d;
  try {
    d = definition_from_json(doc.value("definition", mg::Json()));
  } catch (const mg::ApiError& e) {
    check(e.status() == 400);
    return 0;
  }
  check(valid_key(d.key) && d.key != kLineRichMenuKey);
  check(d.type == AttributeType::choice ? !d.options.empty() && d.options.size() <= kMaxOptions
                                        : d.options.empty());
  auto again = definition_from_json(to_json(d));
  check(again.key == d.key && again.label == d.label && again.type == d.type &&
        again.multiple == d.multiple && again.options.size() == d.options.size());
  try {
    auto values = values_from_json(d, doc.value("value", mg::Json()));
    check(values.size() <= (d.multiple ? kMaxValuesPerKey : 1));
    for (const auto& v : values) {
      check(v.key == d.key);
      switch (d.type) {
        case AttributeType::number:
          check(v.number && std::isfinite(*v.number));
          break;
        case AttributeType::date:
          check(v.date && valid_date(*v.date));
          break;
        case AttributeType::yes_no:
          check(v.text && (*v.text == "yes" || *v.text == "no"));
          break;
        case AttributeType::choice: {
          bool known = false;
          for (const auto& o : d.options) known = known || (v.text && o.value == *v.text);
          check(known);
          break;
        }
        case AttributeType::text:
        case AttributeType::tag:
          check(v.text && !v.text->empty());
          break;
      }
    }
  } catch (const mg::ApiError& e) {
    check(e.status() == 400 && e.field() == "values." + d.key);
  }
  return 0;
}
