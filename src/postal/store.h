#pragma once
// The national postal-code table (postal_codes, migration 10): one table for every tenant,
// since Japan Post's data is the same for all municipalities.
#include <vector>

#include "postal/model.h"
#include "store/db.h"

namespace mg::postal {

// Deletes every row and inserts records in file order, in multi-row INSERTs of
// kInsertBatch rows, all inside the caller's transaction.
void replace_all(store::Tx& tx, const std::vector<PostalRecord>& records);

std::vector<PostalRecord> find(store::Tx& tx, const std::string& code);

bool any(store::Tx& tx);

inline constexpr std::size_t kInsertBatch = 500;

}  // namespace mg::postal
