#pragma once
// What a service costs before anything is answered (the residents' list), and fee wording shared
// by the channels so a price is shown once whatever the label already says.
#include <cstdint>
#include <string>

#include "conversation/definition.h"
#include "core/json.h"

namespace mg::conversation {

// "1,500円".
std::string yen(int64_t amount);

struct FeeOutline {
  bool any = false;      // some fee somewhere (base, a choice, a unit fee)
  bool varies = false;   // the answers change the fee (choice or unit fees)
  int64_t from = 0;      // the least any application costs: base + the cheapest answer of
                         // every step each route passes through
  Json to_json() const;  // {"from","varies"}, or null when there is no fee at all
};

FeeOutline fee_outline(const ServiceDefinition& def);

// True when the label already names the amount ("郵送（140円）", "1,500 円"), so a channel
// must not append it again.
bool mentions_fee(const std::string& label, int64_t fee);

}  // namespace mg::conversation
