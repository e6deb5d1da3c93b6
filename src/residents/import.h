#pragma once
// Importing residents' attributes from CSV (a town moving from another system brings its
// LINE friends' settings) and exporting them in the same format. The whole file is read and
// checked before anything is written; then rows are written in batched transactions, so the
// SQLite writer lock is never held for the parse.
#include <cstdint>
#include <string>
#include <vector>

#include "residents/attribute_csv.h"
#include "store/db.h"

namespace mg::residents {

struct ImportOptions {
  bool skip_bad_rows = false;  // write the good rows of a file that has bad ones
  std::size_t batch_rows = 2000;
  std::size_t max_errors = 1000;  // reported; counting goes on
  AttributeCsvLimits limits;
};

struct ImportReport {
  std::string encoding;
  int64_t rows = 0;      // data rows in the file
  int64_t imported = 0;  // rows written
  int64_t created = 0;   // residents created for LINE user ids not seen before
  int64_t bad_rows = 0;
  int64_t error_count = 0;        // all bad cells, even past max_errors
  std::vector<CellError> errors;  // the first max_errors
  bool written = false;           // false: the file had errors and nothing was written
};

// Header errors stop everything; bad cells stop everything unless skip_bad_rows. ApiError
// 400 for files that are not CSV at all, too large, or without rows.
ImportReport import_attributes(store::Db& db, int64_t tenant_id, std::string bytes,
                               const ImportOptions& options = {});

// Every resident with the attributes of each definition, one column per key (multi-valued
// joined by "|"), UTF-8 with BOM. key = line_user_id exports only LINE residents, keyed so.
std::string export_attributes_csv(store::Tx& tx, int64_t tenant_id, ResidentKey key);

}  // namespace mg::residents
