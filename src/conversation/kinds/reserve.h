#pragma once
// The `reserve` step (docs/service-definition.md): the resident picks a category, a resource,
// optionally a party size, a day with room and a slot, from what Context::slots offers. The
// answer names the slot; the host books it when the application is submitted, inside the
// reservations ledger's booking transaction, and re-asks the slot when it went meanwhile.
#include <optional>
#include <string>
#include <vector>

#include "conversation/step_kind.h"

namespace mg::conversation::kinds {

inline constexpr const char* kReserveKind = "reserve";

struct ReserveData final : StepData {
  std::vector<std::string> resources;   // provider keys offered; empty: every resource
  std::vector<std::string> categories;  // or those in these categories (and below)
  bool ask_party = false;               // ask how many people (else 1)
  int max_party = 10;
  int days = 31;  // how far ahead days are offered (the resource's window still applies)
};

// What a reserve answer asks the host to book.
struct ReserveRequest {
  std::string resource;  // provider key
  std::string slot;      // provider's slot key (YYYY-MM-DDTHH:MM)
  int party = 1;
  std::string exemption;  // an exemption code the resident claimed (減免), or empty
};

// The request in a stored reserve answer value; nullopt for anything else.
std::optional<ReserveRequest> reserve_request(const Json& value);

const StepKindSpec& reserve();

}  // namespace mg::conversation::kinds
