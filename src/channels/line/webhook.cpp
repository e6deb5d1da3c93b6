#include "channels/line/webhook.h"

#include "channels/line/channel_settings.h"
#include "channels/line/signature.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/errors.h"
#include "core/log.h"

namespace mg::line {

namespace {

http::Response unauthorized() {
  return http::Response::error(401, "bad_signature", "署名を確認できませんでした");
}

std::string str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

WebhookReceipt store_events(store::Db& db, int64_t tenant_id, const std::string& raw_body) {
  Json body = Json::parse(raw_body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    throw ApiError(400, "invalid_json", "JSON を読み取れません");
  auto events = body.find("events");
  if (events == body.end() || !events->is_array())
    throw ApiError::bad_request("events がありません", "events");
  WebhookReceipt receipt;
  receipt.received = static_cast<int>(events->size());
  if (events->empty()) return receipt;
  int64_t now = clock::now_ms();
  receipt.stored = db.write([&](store::Tx& tx) {
    int stored = 0;
    for (const auto& e : *events) {
      if (!e.is_object()) continue;
      std::string id = str(e, "webhookEventId");
      if (id.empty()) id = "sha256:" + crypto::sha256_hex(e.dump());
      std::string user =
          e.contains("source") && e["source"].is_object() ? str(e["source"], "userId") : "";
      // Standby-mode events (another channel owns the chat) and events without a user are
      // kept for the record but not answered.
      bool answerable = !user.empty() && str(e, "mode") != "standby";
      int64_t ts = e.contains("timestamp") && e["timestamp"].is_number_integer()
                       ? e["timestamp"].get<int64_t>()
                       : now;
      stored += static_cast<int>(tx.exec(
          "INSERT INTO line_events(tenant_id, webhook_event_id, user_id, event_type, timestamp_ms, "
          "body, status, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, "
          "webhook_event_id) DO NOTHING",
          {tenant_id, id, user, str(e, "type"), ts, e.dump(), answerable ? "pending" : "skipped",
           now}));
    }
    return stored;
  });
  return receipt;
}

http::Response receive_webhook(http::Request& req, auth::AuthService& auth, store::Db& db,
                               const std::function<void()>& events_stored) {
  auto tenant = auth.tenant_by_code(req.params["tenant"]);
  if (!tenant) return unauthorized();
  auto settings = db.read([&](store::Tx& tx) { return load_settings(tx, tenant->id); });
  if (!settings || !settings->configured()) return unauthorized();
  auto sig = req.header("x-line-signature");
  if (!sig || !signature_valid(settings->channel_secret, req.body, *sig)) {
    log::warn("line webhook signature rejected", {{"tenant_id", tenant->id}});
    return unauthorized();
  }
  auto receipt = store_events(db, tenant->id, req.body);
  if (receipt.stored > 0 && events_stored) events_stored();
  return http::Response::json(Json::object());
}

}  // namespace mg::line
