#pragma once
// RFC 4180 CSV as people bring it from Excel and open-data portals: quoted fields with
// doubled quotes and line breaks inside, CRLF or LF, a UTF-8 BOM. Bounded, and errors name
// the line so staff can fix their file. Decoding (CP932) is the caller's: see text_encoding.h.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mg::csv {

struct Record {
  std::size_t line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

struct Limits {
  std::size_t max_records = 1'000'000;
  std::size_t max_fields = 200;
  std::size_t max_field_bytes = 64 * 1024;
};

struct Error : std::runtime_error {
  Error(std::size_t line, const std::string& what) : std::runtime_error(what), line(line) {}
  std::size_t line;
};

// Every record, blank lines skipped. Throws Error (message in Japanese) on an unclosed
// quote or a limit exceeded.
std::vector<Record> read(std::string_view text, const Limits& limits = {});

// Removes a leading UTF-8 byte order mark.
std::string_view strip_bom(std::string_view text);

// One field for a CSV staff open in a spreadsheet: quoted when needed (RFC 4180), and a
// value that a spreadsheet would run as a formula (=, +, -, @ after blanks, or a leading TAB
// or CR) gets a leading ' so it is shown as text.
std::string field(std::string_view v);

}  // namespace mg::csv
