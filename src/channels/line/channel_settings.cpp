#include "channels/line/channel_settings.h"

#include "core/clock.h"

namespace mg::line {

std::optional<ChannelSettings> load_settings(store::Tx& tx, int64_t tenant_id) {
  auto r = tx.one(
      "SELECT channel_secret, access_token, api_base, greeting FROM line_channels WHERE "
      "tenant_id = ?",
      {tenant_id});
  if (!r) return std::nullopt;
  return ChannelSettings{tenant_id, r->str(0), r->str(1), r->str(2), r->str(3)};
}

void save_settings(store::Tx& tx, const ChannelSettings& s) {
  tx.exec(
      "INSERT INTO line_channels(tenant_id, channel_secret, access_token, api_base, greeting, "
      "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id) DO UPDATE SET "
      "channel_secret = excluded.channel_secret, access_token = excluded.access_token, "
      "api_base = excluded.api_base, greeting = excluded.greeting, updated_at = "
      "excluded.updated_at",
      {s.tenant_id, s.channel_secret, s.access_token, s.api_base, s.greeting, clock::now_ms()});
}

std::string data_api_base(const std::string& api_base) {
  if (api_base == "https://api.line.me" || api_base == "https://api.line.me/")
    return "https://api-data.line.me";
  return api_base;
}

}  // namespace mg::line
