#pragma once
// Receipt numbers (受付番号) that residents read to staff over the phone: "K7D-3MX-9QF".
#include <cstdint>
#include <string>
#include <string_view>

#include "conversation/definition.h"

namespace mg::conversation {

// No 0/O, 1/I/L or U/V lookalikes, so a number survives being read aloud and typed back.
inline constexpr std::string_view kReceiptAlphabet = "23456789ABCDEFGHJKMNPQRSTWXYZ";

// Largest sequence accepted (exclusive): ids are scrambled inside a 2^38 domain.
inline constexpr uint64_t kReceiptDomain = uint64_t{1} << 38;

// Deterministic and unique per (sequence, salt): a keyed Feistel permutation of the sequence
// (so consecutive applications do not reveal volumes), 8 base-29 characters and a weighted mod-29
// check character, grouped 3-3-3. Throws std::out_of_range for sequence >= kReceiptDomain.
std::string receipt_number(uint64_t sequence, std::string_view tenant_salt);

// Accepts lower case, spaces and missing hyphens; checks the check character.
bool receipt_number_valid(std::string_view receipt);

// Canonical "XXX-XXX-XXX" form of a typed receipt number, or empty when invalid.
std::string normalize_receipt_number(std::string_view receipt);

// Whether residents are shown the 受付番号 of what they submit: not for a survey (the row still
// gets one, for staff). Both channels ask this before showing one.
bool shows_receipt_number(const ServiceDefinition& def);

}  // namespace mg::conversation
