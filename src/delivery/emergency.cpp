#include "delivery/emergency.h"

#include "auth/store.h"
#include "channels/line/line_limits.h"
#include "channels/line/outbox.h"
#include "channels/line/text_units.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "delivery/campaigns.h"
#include "delivery/fanout.h"

namespace mg::delivery::emergency {

namespace {

constexpr size_t kTitleCodepoints = 40;
constexpr size_t kMaxDistrictBytes = 100;
constexpr size_t kMaxLabelBytes = 100;
// Tokens start with a recognisable prefix, so a leaked one is easy to find in a repository.
constexpr const char* kTokenPrefix = "mgem_";

// "【緊急】" and the text's first line, cut at 40 characters: the campaign list's title.
std::string title_for(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  size_t cps = 0, i = 0;
  for (; i < line.size(); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80 && cps++ == kTitleCodepoints) break;
  }
  return "【緊急】" + line.substr(0, i);
}

const char* kTokenColumns =
    "id, label, hint, created_by, created_at, last_used_at, revoked_at FROM emergency_tokens";

TokenRow token_row(const store::Row& r) {
  TokenRow t;
  t.id = r.i64(0);
  t.label = r.str(1);
  t.hint = r.str(2);
  t.created_by = r.opt_i64(3);
  t.created_at = r.i64(4);
  t.last_used_at = r.opt_i64(5);
  t.revoked_at = r.opt_i64(6);
  return t;
}

Json opt(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }

}  // namespace

Request parse_request(const Json& body) {
  if (!body.is_object()) throw ApiError::bad_request("JSON オブジェクトを送ってください");
  Request r;
  auto t = body.find("text");
  if (t == body.end() || !t->is_string() || t->get_ref<const std::string&>().empty())
    throw ApiError::bad_request("本文を入力してください", "text");
  r.text = t->get<std::string>();
  if (r.text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw ApiError::bad_request("本文を入力してください", "text");
  if (line::utf16_length(r.text) > line::kMaxTextUnits)
    throw ApiError::bad_request("本文は5000文字以内にしてください", "text");
  auto d = body.find("districts");
  if (d != body.end() && !d->is_null()) {
    if (!d->is_array())
      throw ApiError::bad_request("地区は文字列の配列で指定してください", "districts");
    if (d->size() > kMaxDistricts) throw ApiError::bad_request("地区は100件までです", "districts");
    for (const auto& v : *d) {
      if (!v.is_string() || v.get_ref<const std::string&>().empty() ||
          v.get_ref<const std::string&>().size() > kMaxDistrictBytes)
        throw ApiError::bad_request("地区名は1〜100バイトの文字列で指定してください", "districts");
      r.districts.push_back(v.get<std::string>());
    }
  }
  return r;
}

std::string checked_idempotency_key(const std::string& key) {
  if (key.empty() || key.size() > kMaxIdempotencyKeyBytes)
    throw ApiError::bad_request("Idempotency-Key は1〜200文字で指定してください",
                                "Idempotency-Key");
  for (char c : key)
    if (c < 0x21 || c > 0x7e)
      throw ApiError::bad_request("Idempotency-Key には英数字と記号だけを使ってください",
                                  "Idempotency-Key");
  return key;
}

Json audience_for(const Request& r) {
  if (r.districts.empty()) return Json{{"kind", "all"}};
  return Json{{"kind", "condition"},
              {"condition", {{"attr", kDistrictAttribute}, {"in", r.districts}}}};
}

int64_t count_targets(store::Tx& tx, int64_t tenant_id, const Request& r) {
  return count_line_targets(tx, tenant_id, audience_filter(tx, tenant_id, audience_for(r)));
}

SendResult send(store::Tx& tx, int64_t tenant_id, const Request& r, const Origin& origin,
                const std::optional<std::string>& idempotency_key) {
  Json audience = audience_for(r);
  audience_filter(tx, tenant_id, audience);  // 400 now when there is no district attribute
  int64_t now = clock::now_ms();
  // The key is claimed first: a concurrent retry (PostgreSQL) waits on this row's unique index
  // until we commit and then finds nothing to insert.
  auto claimed = tx.one(
      "INSERT INTO emergency_sends(tenant_id, idempotency_key, source, token_id, districts, "
      "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, "
      "idempotency_key) DO NOTHING RETURNING id",
      {tenant_id, idempotency_key ? store::Value(*idempotency_key) : store::Value(nullptr),
       origin.source, store::opt(origin.token_id), Json(r.districts).dump(),
       store::opt(origin.staff_id), now});
  if (!claimed) {
    auto prior = tx.one(
        "SELECT id, campaign_id FROM emergency_sends WHERE tenant_id = ? AND idempotency_key = ?",
        {tenant_id, *idempotency_key});
    if (!prior || prior->is_null(1))
      throw ApiError::conflict("同じ Idempotency-Key の配信を処理中です", "Idempotency-Key");
    auto c = find(tx, tenant_id, prior->i64(1));
    bool same = c && c->messages.size() == 1 && c->messages[0].value("text", "") == r.text &&
                c->audience == audience;
    if (!same)
      throw ApiError::conflict("この Idempotency-Key は別の内容の緊急配信に使われています",
                               "Idempotency-Key");
    auth::sql::insert_audit(tx, tenant_id, origin.staff_id, "emergency.send.replayed", "campaign",
                            std::to_string(c->id), origin.ip,
                            {{"source", origin.source}, {"token_id", opt(origin.token_id)}});
    return {prior->i64(0), c->id, true};
  }
  int64_t send_id = claimed->i64(0);

  Campaign c;
  c.tenant_id = tenant_id;
  c.title = title_for(r.text);
  c.messages = Json::array({Json{{"type", "text"}, {"text", r.text}}});
  c.audience = audience;
  c.created_by = origin.staff_id;
  int64_t campaign_id = create(tx, c);
  // Before the first batch exists: every batch of this campaign is written at this priority.
  line::set_campaign_priority(tx, tenant_id, campaign_id, line::kEmergencyPriority);
  queue(tx, tenant_id, campaign_id);
  tx.exec("UPDATE emergency_sends SET campaign_id = ? WHERE tenant_id = ? AND id = ?",
          {campaign_id, tenant_id, send_id});
  auto queued = find(tx, tenant_id, campaign_id);
  auth::sql::insert_audit(tx, tenant_id, origin.staff_id, "emergency.send", "campaign",
                          std::to_string(campaign_id), origin.ip,
                          {{"source", origin.source},
                           {"token_id", opt(origin.token_id)},
                           {"districts", r.districts},
                           {"targeted", queued ? queued->targeted : 0},
                           {"idempotency_key", idempotency_key ? Json(*idempotency_key) : Json()}});
  return {send_id, campaign_id, false};
}

std::vector<SendRow> list_sends(store::Tx& tx, int64_t tenant_id, int limit) {
  std::vector<SendRow> out;
  for (const auto& r :
       tx.query("SELECT id, campaign_id, source, token_id, created_by, districts, created_at FROM "
                "emergency_sends WHERE tenant_id = ? AND campaign_id IS NOT NULL ORDER BY id DESC "
                "LIMIT ?",
                {tenant_id, int64_t{limit}})) {
    SendRow s;
    s.id = r.i64(0);
    s.campaign_id = r.i64(1);
    s.source = r.str(2);
    s.token_id = r.opt_i64(3);
    s.created_by = r.opt_i64(4);
    s.districts = parse_stored_json(r.str(5));
    s.created_at = r.i64(6);
    out.push_back(std::move(s));
  }
  return out;
}

IssuedToken create_token(store::Tx& tx, int64_t tenant_id, const std::string& label,
                         std::optional<int64_t> staff_id) {
  if (label.size() > kMaxLabelBytes)
    throw ApiError::bad_request("名前は100バイト以内にしてください", "label");
  IssuedToken t;
  t.token = kTokenPrefix + crypto::random_token(32);
  t.row.label = label.empty() ? "警報システム" : label;
  t.row.hint = t.token.substr(t.token.size() - 4);
  t.row.created_by = staff_id;
  t.row.created_at = clock::now_ms();
  t.row.id = tx.insert_id(
      "INSERT INTO emergency_tokens(tenant_id, label, token_hash, hint, created_by, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      {tenant_id, t.row.label, crypto::sha256_hex(t.token), t.row.hint, store::opt(staff_id),
       t.row.created_at});
  return t;
}

std::optional<IssuedToken> rotate_token(store::Tx& tx, int64_t tenant_id, int64_t id,
                                        std::optional<int64_t> staff_id) {
  auto r = tx.one(std::string("SELECT ") + kTokenColumns +
                      " WHERE tenant_id = ? AND id = ? AND revoked_at IS NULL",
                  {tenant_id, id});
  if (!r) return std::nullopt;
  revoke_token(tx, tenant_id, id);
  return create_token(tx, tenant_id, token_row(*r).label, staff_id);
}

bool revoke_token(store::Tx& tx, int64_t tenant_id, int64_t id) {
  return tx.exec(
             "UPDATE emergency_tokens SET revoked_at = ? WHERE tenant_id = ? AND id = ? AND "
             "revoked_at IS NULL",
             {clock::now_ms(), tenant_id, id}) == 1;
}

std::vector<TokenRow> list_tokens(store::Tx& tx, int64_t tenant_id) {
  std::vector<TokenRow> out;
  for (const auto& r : tx.query(std::string("SELECT ") + kTokenColumns +
                                    " WHERE tenant_id = ? ORDER BY id DESC LIMIT 50",
                                {tenant_id}))
    out.push_back(token_row(r));
  return out;
}

std::optional<int64_t> authenticate(store::Tx& tx, int64_t tenant_id, const std::string& token) {
  std::string presented = crypto::sha256_hex(token);
  std::optional<int64_t> match;
  // Every active token is compared (no early exit), each in constant time.
  for (const auto& r : tx.query(
           "SELECT id, token_hash FROM emergency_tokens WHERE tenant_id = ? AND revoked_at IS NULL",
           {tenant_id}))
    if (crypto::constant_time_equal(presented, r.str(1)) && !match) match = r.i64(0);
  if (match)
    tx.exec("UPDATE emergency_tokens SET last_used_at = ? WHERE tenant_id = ? AND id = ?",
            {clock::now_ms(), tenant_id, *match});
  return match;
}

Json to_json(const TokenRow& t) {
  return Json{{"id", t.id},
              {"label", t.label},
              {"hint", t.hint},
              {"created_by", opt(t.created_by)},
              {"created_at", t.created_at},
              {"last_used_at", opt(t.last_used_at)},
              {"revoked_at", opt(t.revoked_at)},
              {"active", !t.revoked_at}};
}

}  // namespace mg::delivery::emergency
