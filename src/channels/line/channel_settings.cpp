#include "channels/line/channel_settings.h"

#include <mutex>
#include <set>

#include "core/clock.h"
#include "core/log.h"
#include "core/setting_list.h"

namespace mg::line {

namespace {

std::string without_trailing_slashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

struct ChannelSecurity {
  std::mutex mu;
  std::shared_ptr<const crypto::SealedBox> box;
  std::set<std::string> allowed{kDefaultApiBase, kDefaultDataApiBase};
  std::set<int64_t> warned;  // tenants whose disallowed api_base was already logged
};

ChannelSecurity& security() {
  static ChannelSecurity s;
  return s;
}

std::shared_ptr<const crypto::SealedBox> box() {
  auto& s = security();
  std::lock_guard lock(s.mu);
  if (!s.box)
    s.box = std::make_shared<const crypto::SealedBox>(crypto::SealedBox::with_random_key());
  return s.box;
}

// Authenticated context: a sealed value opens only in its own tenant's own column.
std::string context(const char* column, int64_t tenant_id) {
  return std::string("line_channels.") + column + ":" + std::to_string(tenant_id);
}

std::string seal(const char* column, int64_t tenant_id, const std::string& plain) {
  if (plain.empty()) return plain;  // "not set" stays visible as such
  return box()->seal(plain, context(column, tenant_id));
}

std::string open(const char* column, int64_t tenant_id, const std::string& stored) {
  if (stored.empty()) return stored;
  if (!crypto::SealedBox::is_sealed(stored)) return stored;  // before start-up sealing ran
  try {
    return box()->open(stored, context(column, tenant_id));
  } catch (const crypto::SealError&) {
    // Only this tenant's channel stops (as if unset); the operator sees why.
    log::error("line channel credential does not open with the secret key",
               {{"tenant_id", tenant_id}, {"column", column}});
    return "";
  }
}

std::string usable_api_base(int64_t tenant_id, const std::string& stored) {
  if (api_base_allowed(stored)) return stored;
  auto& s = security();
  {
    std::lock_guard lock(s.mu);
    if (!s.warned.insert(tenant_id).second) return kDefaultApiBase;
  }
  log::warn("line api_base not allowed by the operator; using LINE's own",
            {{"tenant_id", tenant_id}});
  return kDefaultApiBase;
}

struct StoredRow {
  std::string secret, token, api_base, greeting;
};

std::optional<StoredRow> stored_row(store::Tx& tx, int64_t tenant_id) {
  auto r = tx.one(
      "SELECT channel_secret, access_token, api_base, greeting FROM line_channels WHERE "
      "tenant_id = ?",
      {tenant_id});
  if (!r) return std::nullopt;
  return StoredRow{r->str(0), r->str(1), r->str(2), r->str(3)};
}

void write_row(store::Tx& tx, int64_t tenant_id, const StoredRow& row) {
  tx.exec(
      "INSERT INTO line_channels(tenant_id, channel_secret, access_token, api_base, greeting, "
      "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id) DO UPDATE SET "
      "channel_secret = excluded.channel_secret, access_token = excluded.access_token, "
      "api_base = excluded.api_base, greeting = excluded.greeting, updated_at = "
      "excluded.updated_at",
      {tenant_id, row.secret, row.token, row.api_base, row.greeting, clock::now_ms()});
}

ChannelSummary summary_of(const StoredRow& row) {
  return ChannelSummary{row.api_base, row.greeting, !row.secret.empty(), !row.token.empty()};
}

}  // namespace

std::optional<ChannelSettings> load_settings(store::Tx& tx, int64_t tenant_id) {
  auto row = stored_row(tx, tenant_id);
  if (!row) return std::nullopt;
  return ChannelSettings{tenant_id, open("channel_secret", tenant_id, row->secret),
                         open("access_token", tenant_id, row->token),
                         usable_api_base(tenant_id, row->api_base), row->greeting};
}

void save_settings(store::Tx& tx, const ChannelSettings& s) {
  write_row(tx, s.tenant_id,
            {seal("channel_secret", s.tenant_id, s.channel_secret),
             seal("access_token", s.tenant_id, s.access_token), s.api_base, s.greeting});
}

ChannelSummary load_channel_summary(store::Tx& tx, int64_t tenant_id) {
  auto row = stored_row(tx, tenant_id);
  return row ? summary_of(*row) : ChannelSummary{};
}

ChannelSummary update_settings(store::Tx& tx, int64_t tenant_id, const ChannelUpdate& u) {
  StoredRow row = stored_row(tx, tenant_id).value_or(StoredRow{"", "", kDefaultApiBase, ""});
  if (u.channel_secret) row.secret = seal("channel_secret", tenant_id, *u.channel_secret);
  if (u.access_token) row.token = seal("access_token", tenant_id, *u.access_token);
  if (u.api_base) row.api_base = *u.api_base;
  if (u.greeting) row.greeting = *u.greeting;
  write_row(tx, tenant_id, row);
  return summary_of(row);
}

void use_secret_box(std::shared_ptr<const crypto::SealedBox> b) {
  auto& s = security();
  std::lock_guard lock(s.mu);
  s.box = std::move(b);
}

int seal_plain_channel_secrets(store::Db& db) {
  return db.write([&](store::Tx& tx) {
    int sealed = 0;
    for (const auto& r : tx.query(
             "SELECT tenant_id, channel_secret, access_token FROM line_channels WHERE "
             "(channel_secret <> '' AND channel_secret NOT LIKE 'v1:%') OR (access_token <> '' "
             "AND access_token NOT LIKE 'v1:%')")) {
      int64_t tenant = r.i64(0);
      std::string secret = r.str(1), token = r.str(2);
      if (!crypto::SealedBox::is_sealed(secret) && !secret.empty()) {
        secret = seal("channel_secret", tenant, secret);
        ++sealed;
      }
      if (!crypto::SealedBox::is_sealed(token) && !token.empty()) {
        token = seal("access_token", tenant, token);
        ++sealed;
      }
      tx.exec("UPDATE line_channels SET channel_secret = ?, access_token = ? WHERE tenant_id = ?",
              {secret, token, tenant});
    }
    return sealed;
  });
}

void allow_api_base(const std::string& base) {
  std::string b = without_trailing_slashes(base);
  if (b.empty()) return;
  auto& s = security();
  std::lock_guard lock(s.mu);
  s.allowed.insert(b);
}

void allow_api_bases(const std::string& comma_separated) {
  for (const auto& item : setting_list(comma_separated)) allow_api_base(item);
}

bool api_base_allowed(const std::string& base) {
  std::string b = without_trailing_slashes(base);
  auto& s = security();
  std::lock_guard lock(s.mu);
  return s.allowed.count(b) > 0;
}

std::string data_api_base(const std::string& api_base) {
  if (without_trailing_slashes(api_base) == kDefaultApiBase) return kDefaultDataApiBase;
  return api_base;
}

}  // namespace mg::line
