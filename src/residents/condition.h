#pragma once
// Conditions over residents' attributes ("地区が北か南", "65 歳以上", "0–5 歳の子がいる"),
// written by staff as JSON and compiled to one portable SQL fragment over `residents r`:
// EXISTS over resident_attributes, the same text on SQLite and PostgreSQL.
//
// Forms (one object per node):
//   {"all":[…]} {"any":[…]} {"not":{…}}
//   {"attr":K,"in":[v,…]}            any of K's values is one of these
//   {"attr":K,"has":v}               any of K's values is v
//   {"attr":K,"between":[lo,hi]}     number or date, inclusive
//   {"attr":K,"age_between":[lo,hi],"on":"YYYY-MM-DD"}  date K; age in whole years on "on"
//                                     (default: today in JST), lo ≤ age ≤ hi
//   {"attr":K,"exists":true|false}
//   {"channel":"line"|"web"}
// Multi-valued attributes (topics, children's birth dates) match when any one value does.
// Blocked residents are left out unless CompileOptions::include_blocked.
//
// Age and 29 February: age on D is the number of birthday anniversaries on or before D, and
// the anniversary of 29 February in a common year is 1 March (Japanese civil law: the age
// increases at the end of 28 February). Comparing ISO strings gives exactly this: someone is
// at least n on D when birth_date <= (year(D) - n) followed by D's "-MM-DD", even when that
// string names a day (…-02-29) the year does not have.
#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "residents/model.h"
#include "residents/store.h"
#include "store/db.h"

namespace mg::residents {

struct ConditionLimits {
  int max_depth = 16;
  int max_nodes = 200;
  std::size_t max_values = 500;  // per list ("in")
};

struct CompileOptions {
  bool include_blocked = false;
  std::string today;  // YYYY-MM-DD for age_between without "on"; empty = today in JST
  // The SQL is portable either way; the planner hint differs (see condition.cpp).
  store::Backend backend{};  // sqlite unless set
  ConditionLimits limits;
};

// A boolean SQL expression over `residents r` with `?` parameters, in order. The tenant is
// bound in every subquery; the caller adds `r.tenant_id = ?` itself.
struct CompiledCondition {
  std::string sql;
  store::Params params;
};

// Validates against the tenant's definitions and compiles. A null or empty-object condition
// matches every (unblocked) resident. ApiError 400 with a Japanese message and a field such
// as "condition/all/2/in/0" on any problem.
CompiledCondition compile_condition(const Json& condition,
                                    const std::vector<AttributeDefinition>& definitions,
                                    int64_t tenant_id, const CompileOptions& options = {});

// The tenant's attribute definitions, in position order.
std::vector<AttributeDefinition> load_definitions(store::Tx& tx, int64_t tenant_id);

// How many of the tenant's residents match.
int64_t count_matching(store::Tx& tx, int64_t tenant_id, const Json& condition,
                       const CompileOptions& options = {});
int64_t count_matching(store::Tx& tx, int64_t tenant_id, const CompiledCondition& compiled);

// Whether one resident of the tenant matches (booking eligibility, reservations/ledger.cpp).
bool resident_matches(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                      const CompiledCondition& compiled);

// Matching residents by (channel, status): "line"/"web", "active"/"blocked".
struct ChannelCount {
  std::string channel, status;
  int64_t count = 0;
};
std::vector<ChannelCount> count_by_channel(store::Tx& tx, int64_t tenant_id,
                                           const CompiledCondition& compiled);

// The next batch of matching resident ids after `after_id`, ascending: a campaign fans out
// with after_id = 0, then the last id of each batch, until a batch comes back empty.
std::vector<int64_t> matching_ids(store::Tx& tx, int64_t tenant_id,
                                  const CompiledCondition& compiled, int64_t after_id,
                                  int64_t limit);

// The identities on a channel (e.g. LINE user ids) of the residents matching, in resident order:
// rich-menu links by a condition. ApiError 400 for a condition that does not fit.
std::vector<Identity> identities_matching(store::Tx& tx, int64_t tenant_id,
                                          const std::string& channel, const Json& condition);

// 0 ≤ years; the boundary date string for "at least `years` old on `on`" (see above).
std::string years_before(const std::string& on, int years);

}  // namespace mg::residents
