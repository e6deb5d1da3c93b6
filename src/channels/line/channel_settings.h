#pragma once
// A tenant's LINE channel: the secret that signs webhooks, the token that sends, and where the
// Messaging API lives (https://api.line.me, or a line-sim in tests and demos).
#include <cstdint>
#include <optional>
#include <string>

#include "store/db.h"

namespace mg::line {

inline constexpr const char* kDefaultApiBase = "https://api.line.me";

struct ChannelSettings {
  int64_t tenant_id = 0;
  std::string channel_secret;
  std::string access_token;
  std::string api_base = kDefaultApiBase;
  std::string greeting;
  bool configured() const { return !channel_secret.empty(); }
};

inline ChannelSettings unconfigured(int64_t tenant_id) {
  ChannelSettings s;
  s.tenant_id = tenant_id;
  return s;
}

std::optional<ChannelSettings> load_settings(store::Tx& tx, int64_t tenant_id);
void save_settings(store::Tx& tx, const ChannelSettings& s);

// Binary content (photos, rich menu images) is served from api-data.line.me on real LINE;
// any other base (line-sim) serves both from one host.
std::string data_api_base(const std::string& api_base);

}  // namespace mg::line
