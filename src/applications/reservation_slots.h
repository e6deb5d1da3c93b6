#pragma once
// The reservations ledger as the conversation engine sees it: a SlotProvider read through the
// turn's transaction, and the booking of a submitted `reserve` answer in that same
// transaction (the ledger's rules and slot lock), so an application and its booking are
// stored together or not at all.
#include <map>
#include <optional>
#include <vector>

#include "conversation/context.h"
#include "conversation/definition.h"
#include "conversation/effect.h"
#include "reservations/ledger.h"
#include "store/db.h"

namespace mg::applications {

class LedgerSlots final : public conversation::SlotProvider {
 public:
  LedgerSlots(store::Tx& tx, int64_t tenant_id, int64_t now_ms)
      : tx_(tx), tenant_id_(tenant_id), now_ms_(now_ms) {}
  std::vector<conversation::Slot> available(const std::string& resource,
                                            const std::string& date) const override;
  std::vector<conversation::BookableResource> resources() const override;
  std::vector<conversation::BookableCategory> categories() const override;
  std::vector<std::string> open_days(const std::string& resource, const std::string& from, int days,
                                     int party) const override;

 private:
  const std::vector<reservations::Resource>& loaded() const;
  const reservations::Resource* find(const std::string& id) const;

  store::Tx& tx_;
  int64_t tenant_id_;
  int64_t now_ms_;
  mutable std::optional<std::vector<reservations::Resource>> resources_;  // read once per turn
};

// Books the `reserve` answers among a submit effect's answers ([{step_id,value,...}]) for the
// resident. A refusal (slot full, a rule) is the failed outcome naming the step to re-ask.
conversation::EffectOutcome book_reserve_answers(store::Tx& tx, int64_t tenant_id,
                                                 int64_t resident_id,
                                                 const conversation::ServiceDefinition& def,
                                                 const Json& answers, int64_t now_ms);

}  // namespace mg::applications
