#pragma once
// Emergency sends (緊急配信): one text to everyone or to the residents of affected districts
// (the "district" attribute), as a campaign whose multicast batches go ahead of every other
// queued batch (line::kEmergencyPriority), started by staff in the console or by an alert
// system (J-Alert/L-Alert relays, 防災メール) with a per-tenant token. Tables
// `emergency_tokens` (SHA-256 of each token, never the token) and `emergency_sends` (one row
// per send, UNIQUE (tenant, idempotency key): a relay retrying gets the first send back).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "store/db.h"

namespace mg::delivery::emergency {

// The attribute whose values name districts (residents/ attribute definitions).
inline constexpr const char* kDistrictAttribute = "district";
inline constexpr size_t kMaxDistricts = 100;
inline constexpr size_t kMaxIdempotencyKeyBytes = 200;
// Request bodies of the alert-system endpoint: the text (≤ 5000 UTF-16 units) and districts fit.
inline constexpr size_t kMaxBodyBytes = 64 * 1024;

struct Request {
  std::string text;
  std::vector<std::string> districts;  // empty: everyone
};

// Checks a request body (console or alert system): {"text": …, "districts": [..]}; unknown
// members are ignored. ApiError 400 in Japanese naming the field.
Request parse_request(const Json& body);
// An Idempotency-Key value: 1–200 printable ASCII characters; ApiError 400 otherwise.
std::string checked_idempotency_key(const std::string& key);
// The campaign audience: everyone, or {"attr":"district","in":[…]}.
Json audience_for(const Request& r);

// Who started a send (for the row and the audit entry).
struct Origin {
  std::string source;  // "console" | "api"
  std::optional<int64_t> staff_id;
  std::optional<int64_t> token_id;
  std::string ip;
};

struct SendResult {
  int64_t send_id = 0;
  int64_t campaign_id = 0;
  bool replayed = false;  // the idempotency key was seen: nothing new was queued
};

// In the caller's transaction: records the send (idempotency key first, so a concurrent retry
// waits for this one and then finds it), creates the campaign with emergency priority, queues
// its fan-out and writes the audit entry. ApiError 409 when the key was used for another text;
// 400 when districts are given but the tenant has no district attribute.
SendResult send(store::Tx& tx, int64_t tenant_id, const Request& r, const Origin& origin,
                const std::optional<std::string>& idempotency_key);

// Active LINE residents the request reaches now (the confirm dialog's count).
int64_t count_targets(store::Tx& tx, int64_t tenant_id, const Request& r);

struct SendRow {
  int64_t id = 0, campaign_id = 0;
  std::string source;
  std::optional<int64_t> token_id, created_by;
  Json districts = Json::array();
  int64_t created_at = 0;
};
std::vector<SendRow> list_sends(store::Tx& tx, int64_t tenant_id, int limit);

// Tokens. The token is shown once (create/rotate); the table keeps its SHA-256 and a hint
// (its last 4 characters) so staff can tell tokens apart.
struct TokenRow {
  int64_t id = 0;
  std::string label, hint;
  std::optional<int64_t> created_by, last_used_at, revoked_at;
  int64_t created_at = 0;
};
struct IssuedToken {
  TokenRow row;
  std::string token;
};
IssuedToken create_token(store::Tx& tx, int64_t tenant_id, const std::string& label,
                         std::optional<int64_t> staff_id);
// Revokes `id` and issues a token with the same label; nullopt when `id` is not an active
// token of the tenant.
std::optional<IssuedToken> rotate_token(store::Tx& tx, int64_t tenant_id, int64_t id,
                                        std::optional<int64_t> staff_id);
bool revoke_token(store::Tx& tx, int64_t tenant_id, int64_t id);
std::vector<TokenRow> list_tokens(store::Tx& tx, int64_t tenant_id);
// The active token of the tenant whose hash equals the presented token's, compared in
// constant time against every active token; records its last use.
std::optional<int64_t> authenticate(store::Tx& tx, int64_t tenant_id, const std::string& token);

Json to_json(const TokenRow& t);

}  // namespace mg::delivery::emergency
