#pragma once
// Postal codes for residents: the lookup the conversation engine reads through its Context,
// the public lookup, and the operator's import.
#include <string>
#include <vector>

#include "conversation/context.h"
#include "postal/model.h"
#include "store/db.h"

namespace mg::postal {

// Reads through the caller's transaction (a chat turn's), so the engine stays free of SQL.
class DbAddressLookup : public conversation::AddressLookup {
 public:
  explicit DbAddressLookup(store::Tx& tx) : tx_(tx) {}
  std::vector<conversation::AddressCandidate> candidates(const std::string& code) const override;
  bool loaded() const override;

 private:
  store::Tx& tx_;
  mutable std::optional<bool> loaded_;
};

struct ImportResult {
  std::size_t lines = 0;  // records after merging continuation lines and duplicates
  int64_t parse_ms = 0;   // decoding + parsing
  int64_t write_ms = 0;   // the replacing transaction
};

// Replaces all postal data with the CSV's (KEN_ALL format) in one transaction; nothing changes
// when the file is malformed (ApiError 400 naming the line).
ImportResult import_csv(store::Db& db, std::string_view csv);
ImportResult import_file(store::Db& db, const std::string& path);

// The candidates of a code typed by a resident (「060-0001」, 「０６０００01」, 「〒0600001」);
// ApiError 400 for anything but 7 digits, 404 when no town has it.
std::vector<PostalRecord> lookup(store::Db& db, const std::string& typed);

}  // namespace mg::postal
