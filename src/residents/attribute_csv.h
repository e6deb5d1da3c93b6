#pragma once
// Residents' attributes as CSV, read without the database: the file's encoding, its rows,
// and each cell checked against the tenant's attribute definitions. The first column is the
// resident key (line_user_id or resident_id), then one column per attribute key; several
// values of a multi-valued attribute are separated by "|".
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "residents/model.h"

namespace mg::residents {

struct AttributeCsvLimits {
  std::size_t max_bytes = 10 * 1024 * 1024;
  std::size_t max_rows = 100000;
  std::size_t max_columns = 100;
  std::size_t max_field_bytes = 2000;
  std::size_t max_values_per_cell = 50;
};

// The file as UTF-8 (BOM dropped) and the encoding found ("UTF-8", "UTF-8（BOM 付き）",
// "Shift_JIS"). ApiError 400 (field "csv") for UTF-16, binary files and undecodable bytes.
struct DecodedCsv {
  std::string text;
  std::string encoding;
};
DecodedCsv decode_csv(std::string bytes);

// RFC 4180 rows, one at a time, without holding the whole table: a million-row import keeps
// only the text and one row in memory.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {}
  // The next row; false at the end. `line` is the 1-based line the row starts on. A field
  // with an unclosed quote sets `unclosed` (the rest of the file is that field).
  bool next(std::vector<std::string>& row, std::size_t& line);
  bool unclosed() const { return unclosed_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  bool unclosed_ = false;
};

// "YYYY-MM-DD", or Excel's "YYYY/M/D", to YYYY-MM-DD when it is a real day (1800–2200).
std::optional<std::string> normalize_date(std::string_view s);
// The number in `s` (ASCII, finite), strictly: nothing after it.
std::optional<double> parse_number(std::string_view s);

// One value for `def`, checked and in stored form (a choice's label becomes its value,
// はい/いいえ become yes/no, 2024/4/1 becomes 2024-04-01). On a bad value, a Japanese message.
struct CheckedValue {
  std::optional<AttributeValue> value;
  std::string error;
};
CheckedValue check_value(const AttributeDefinition& def, std::string_view text);

enum class ResidentKey { line_user_id, resident_id };

// The header, checked: the key column and, for each further column, the definition it names.
struct CsvHeader {
  ResidentKey key = ResidentKey::line_user_id;
  std::vector<const AttributeDefinition*> columns;  // after the key column
};
struct CellError {
  std::size_t row = 0;  // 1-based line in the file (the header is 1)
  std::string column;   // the header text, or "" for the whole row
  std::string message;  // Japanese
};

// Reads the header row; errors (unknown key, duplicate, no key column) are appended.
std::optional<CsvHeader> read_header(const std::vector<std::string>& header,
                                     const std::vector<AttributeDefinition>& definitions,
                                     const AttributeCsvLimits& limits,
                                     std::vector<CellError>& errors);

// One data row, checked. `values[i]` are the values of header column i (empty = the cell is
// empty, which clears that attribute). Returns false and appends errors when a cell is bad.
struct CsvRow {
  std::string key;  // the LINE user id or resident id as written
  std::vector<std::vector<AttributeValue>> values;
};
bool read_row(const CsvHeader& header, const std::vector<std::string>& cells, std::size_t line,
              const AttributeCsvLimits& limits, CsvRow& out, std::vector<CellError>& errors);

// LINE user ids: "U" and 32 lower-case hex digits.
bool is_line_user_id(std::string_view s);

// One CSV field, quoted when needed; a leading = + - @ gets a ' so Excel shows it as text.
std::string csv_field(const std::string& v);

}  // namespace mg::residents
