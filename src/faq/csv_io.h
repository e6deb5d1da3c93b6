#pragma once
// FAQ entries as CSV: the columns of the 自治体標準オープンデータセット「よくある質問」
// (全国地方公共団体コード, ID, 地方公共団体名, 分類, 質問, 回答, 所管部署, URL …), matched by
// header name with common variants, plus our own columns 別の聞き方 (one per line), 掲載開始日
// and 掲載終了日. Pure: no database.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "faq/model.h"

namespace mg::faq {

struct CsvProblem {
  std::size_t line = 0;  // 1-based line in the file
  std::string column;    // header name, empty for the whole row
  std::string message;   // Japanese
};

struct CsvRead {
  std::vector<Entry> entries;      // the good rows, in file order
  std::vector<std::size_t> lines;  // the line each entry came from
  std::vector<CsvProblem> problems;
};

// Reads UTF-8 (BOM allowed) or CP932 bytes. Never throws: an unreadable file is one problem
// on line 1 (or the line where the CSV breaks).
CsvRead read_csv(std::string_view bytes);

// Checks and cleans one entry (trims, normalises dates to YYYY-MM-DD); the first problem found,
// with `column` naming the field, or empty message when fine.
CsvProblem check_entry(Entry& e);

std::string write_csv(const std::vector<Entry>& entries, const std::string& lg_code,
                      const std::string& tenant_name);

// "2026/4/1", "2026-04-01" → "2026-04-01"; "" when not a real date.
std::string parse_date(std::string_view s);

}  // namespace mg::faq
