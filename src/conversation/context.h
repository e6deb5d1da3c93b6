#pragma once
// What the host gives the engine each turn: the clock and access to outside data. Passing it in
// keeps the engine deterministic and free of I/O.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

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

// Postal code -> the towns it stands for, e.g. from Japan Post's KEN_ALL data (src/postal).
struct AddressCandidate {
  std::string prefecture;  // 北海道
  std::string city;        // 札幌市中央区
  std::string town;        // 北一条西; "" when the code covers the whole city
  std::string full() const { return prefecture + city + town; }
};

class AddressLookup {
 public:
  virtual ~AddressLookup() = default;
  // Every town of the code (several towns may share one), in the data's order.
  virtual std::vector<AddressCandidate> candidates(const std::string& postal_code) const = 0;
  // Whether postal data is loaded at all: only then does an unknown code mean a typo.
  virtual bool loaded() const = 0;
};

// Free places of a bookable resource (a consultation desk, a room) on a day, for reservation
// steps. Only a view: taking a slot is an effect the host applies, which may fail when the
// slot went meanwhile (EffectOutcome).
struct Slot {
  std::string id;     // the provider's key, stored as the answer
  std::string start;  // "09:00"
  std::string end;    // "09:30"
  int remaining = 0;  // places left
  std::string label;  // e.g. "9:00〜9:30（残り2）"; empty: made from start and end
};

// What a `reserve` step offers before the slot: categories and resources (provider keys).
struct BookableCategory {
  std::string id;
  std::string name;
  std::string parent_id;  // empty at the top level
};

// An exemption category (減免) a resident may claim: the fee is lowered by rate_percent.
struct BookableExemption {
  std::string code, label;
  int rate_percent = 0;
};

struct BookableResource {
  std::string id;
  std::string name;
  std::string category_id;   // empty when in no category
  int capacity = 1;          // places per slot: the most one booking may take
  int party_min = 1;         // the fewest people one booking may be for
  int64_t fee_per_slot = 0;  // yen; 0 = free
  std::vector<BookableExemption> exemptions;
};

class SlotProvider {
 public:
  virtual ~SlotProvider() = default;
  // Slots of `resource` on `date` (YYYY-MM-DD) with places left, in time order.
  virtual std::vector<Slot> available(const std::string& resource,
                                      const std::string& date) const = 0;
  // Resources open for booking, and their categories (a provider with one fixed resource
  // may leave these out).
  virtual std::vector<BookableResource> resources() const { return {}; }
  virtual std::vector<BookableCategory> categories() const { return {}; }
  // Days from `from` (YYYY-MM-DD, `days` of them) with a slot that still has room for
  // `party`, in order.
  virtual std::vector<std::string> open_days(const std::string& resource, const std::string& from,
                                             int days, int party) const {
    (void)resource, (void)from, (void)days, (void)party;
    return {};
  }
};

struct Context {
  std::string today;  // YYYY-MM-DD in the municipality's time zone
  int64_t now_ms = 0;
  const LookupProvider* lookup = nullptr;
  const AddressLookup* addresses = nullptr;
  int lookup_failures_today = 0;        // this resident's failed lookups today (all steps)
  const SlotProvider* slots = nullptr;  // reservations; null where none are offered
};

}  // namespace mg::conversation
