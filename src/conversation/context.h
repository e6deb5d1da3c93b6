#pragma once
// What the host gives the engine each turn: the clock and access to outside data. Passing it in
// keeps the engine deterministic and free of I/O.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/json.h"

namespace mg::conversation {

// Staff-uploaded lists (e.g. 給付金の対象者台帳) checked by lookup steps.
class LookupProvider {
 public:
  virtual ~LookupProvider() = default;
  // The matching row, or nullopt. fields: list field -> normalised answer text.
  virtual std::optional<Json> find(const std::string& list,
                                   const std::map<std::string, std::string>& fields) const = 0;
};

// Postal code -> address (prefecture + city + town), e.g. from the Japan Post KEN_ALL data.
class AddressLookup {
 public:
  virtual ~AddressLookup() = default;
  virtual std::optional<std::string> address_for(const std::string& postal_code) const = 0;
};

struct Context {
  std::string today;  // YYYY-MM-DD in the municipality's time zone
  int64_t now_ms = 0;
  const LookupProvider* lookup = nullptr;
  const AddressLookup* addresses = nullptr;
  int lookup_failures_today = 0;  // this resident's failed lookups today (all steps)
};

}  // namespace mg::conversation
