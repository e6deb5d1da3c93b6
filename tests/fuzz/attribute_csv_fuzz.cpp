// Admins upload residents' attributes as CSV (POST /api/residents/import, `madoguchi residents
// import`): arbitrary bytes in Shift_JIS or UTF-8. Decoding, the streaming reader and the
// cell checks must either accept a row or report errors (row, column, UTF-8 message), or refuse
// the file with ApiError 400; never crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/errors.h"
#include "residents/attribute_csv.h"

namespace {
std::vector<mg::residents::AttributeDefinition> definitions() {
  using mg::residents::AttributeType;
  std::vector<mg::residents::AttributeDefinition> d(6);
  const char* keys[] = {"district", "topics", "score", "birth_date", "villager", "memo"};
  AttributeType types[] = {AttributeType::choice, AttributeType::tag,    AttributeType::number,
                           AttributeType::date,   AttributeType::yes_no, AttributeType::text};
  for (int i = 0; i < 6; ++i) {
    d[i].key = keys[i];
    d[i].label = keys[i];
    d[i].type = types[i];
  }
  d[0].options = {{"kita", "北地区"}, {"minami", "南地区"}};
  d[1].multiple = true;
  return d;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mg::residents;
  static const auto defs = definitions();
  try {
    auto decoded = decode_csv(std::string(reinterpret_cast<const char*>(data), size));
    CsvReader reader(decoded.text);
    std::vector<std::string> cells;
    std::size_t line = 0, last = 0;
    std::vector<CellError> errors;
    if (!reader.next(cells, line)) return 0;
    auto header = read_header(cells, defs, {}, errors);
    while (header && reader.next(cells, line)) {
      if (line <= last) std::abort();  // lines only go forward
      last = line;
      CsvRow row;
      bool ok = read_row(*header, cells, line, {}, row, errors);
      if (ok && row.values.size() != header->columns.size()) std::abort();
    }
    for (const auto& e : errors) mg::Json{{"column", e.column}, {"message", e.message}}.dump();
  } catch (const mg::ApiError& e) {
    if (e.status() != 400) std::abort();
  }
  return 0;
}
