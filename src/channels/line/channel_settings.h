#pragma once
// A tenant's LINE channel: the secret that signs webhooks, the token that sends, and where the
// Messaging API lives (https://api.line.me, or a line-sim in tests and demos).
// The secret and token are sealed at rest (crypto::SealedBox); load_settings opens them, so call
// it only where they are used (the webhook's settings cache, the event processor, the
// dispatcher, rich menu calls). The admin API reads load_channel_summary, which opens nothing.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/sealed_box.h"
#include "store/db.h"

namespace mg::line {

inline constexpr const char* kDefaultApiBase = "https://api.line.me";
inline constexpr const char* kDefaultDataApiBase = "https://api-data.line.me";

struct ChannelSettings {
  int64_t tenant_id = 0;
  std::string channel_secret;  // plain text, in memory only
  std::string access_token;    // plain text, in memory only
  std::string api_base = kDefaultApiBase;
  std::string greeting;
  bool configured() const { return !channel_secret.empty(); }
};

inline ChannelSettings unconfigured(int64_t tenant_id) {
  ChannelSettings s;
  s.tenant_id = tenant_id;
  return s;
}

// Opens the secret and token. A stored api_base the operator does not allow (any more) is not
// used: the endpoint falls back to LINE's own (the token belongs to LINE).
std::optional<ChannelSettings> load_settings(store::Tx& tx, int64_t tenant_id);
void save_settings(store::Tx& tx, const ChannelSettings& s);

// What the settings API shows: nothing is decrypted.
struct ChannelSummary {
  std::string api_base = kDefaultApiBase;
  std::string greeting;
  bool has_secret = false, has_token = false;
};
ChannelSummary load_channel_summary(store::Tx& tx, int64_t tenant_id);

// A partial update from the settings API: only the fields set change; new secrets are sealed.
struct ChannelUpdate {
  std::optional<std::string> channel_secret, access_token, api_base, greeting;
};
ChannelSummary update_settings(store::Tx& tx, int64_t tenant_id, const ChannelUpdate& u);

// The key secrets are sealed with, for the whole process (set once at start-up, before any
// settings are read). Until set, a random per-process key is used (tests).
void use_secret_box(std::shared_ptr<const crypto::SealedBox> box);
// Seals plain-text secrets and tokens left by earlier versions; idempotent. Returns how many
// values were sealed.
int seal_plain_channel_secrets(store::Db& db);

// Where the access token may be sent. LINE's hosts always; others only when the operator allows
// them (--line-api-allow, --demo-line-sim). Bases are compared without trailing slashes.
void allow_api_base(const std::string& base);
// "URL[,URL]" as given on the command line.
void allow_api_bases(const std::string& comma_separated);
bool api_base_allowed(const std::string& base);

// Binary content (photos, rich menu images) is served from api-data.line.me on real LINE;
// any other base (line-sim) serves both from one host.
std::string data_api_base(const std::string& api_base);

}  // namespace mg::line
