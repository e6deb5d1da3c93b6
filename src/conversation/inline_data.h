#pragma once
// Lookup lists and postal addresses given inline as JSON (a flow test file, a fuzz input), for
// running the pure engine without a database.
#include "conversation/context.h"
#include "core/json.h"

namespace mg::conversation {

// {list: [row objects]}; a row matches when every asked field equals the row's cell as
// normalised text (non-string cells compare as their JSON text).
class InlineLookup : public LookupProvider {
 public:
  explicit InlineLookup(Json lists) : lists_(std::move(lists)) {}
  std::optional<Json> find(const std::string& list,
                           const std::map<std::string, std::string>& fields) const override;

 private:
  Json lists_;
};

// {postal code: candidates}; a candidate is {prefecture, city, town} or an address string
// (split after its prefecture), one or an array of them.
class InlineAddresses : public AddressLookup {
 public:
  explicit InlineAddresses(Json map) : map_(std::move(map)) {}
  std::vector<AddressCandidate> candidates(const std::string& postal) const override;
  bool loaded() const override { return map_.is_object() && !map_.empty(); }

 private:
  Json map_;
};

}  // namespace mg::conversation
