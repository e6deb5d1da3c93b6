#include "applications/chat.h"

#include <ctime>

#include "applications/attachments.h"
#include "applications/lookup_lists.h"
#include "conversation/engine.h"
#include "conversation/receipt.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "jobs/queue.h"
#include "postal/service.h"

namespace mg::applications {

namespace conv = mg::conversation;

namespace {

struct SessionRow {
  int64_t id = 0, service_id = 0, version_id = 0, resident_id = 0;
  std::optional<int64_t> correction_of;
  std::string public_id, status;
  Json state, last_prompts;
};

std::optional<SessionRow> load_session(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                                       const std::string& public_id, bool lock) {
  auto r = tx.one(std::string("SELECT id, service_id, version_id, resident_id, correction_of, "
                              "public_id, status, state, last_prompts FROM chat_sessions WHERE "
                              "tenant_id = ? AND resident_id = ? AND public_id = ?") +
                      (lock ? store::for_update(tx) : ""),
                  {tenant_id, resident_id, public_id});
  if (!r) return std::nullopt;
  return SessionRow{r->i64(0),
                    r->i64(1),
                    r->i64(2),
                    r->i64(3),
                    r->opt_i64(4),
                    r->str(5),
                    r->str(6),
                    parse_json(r->str(7)),
                    parse_json(r->str(8))};
}

int lookup_failures_today(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                          const std::string& day) {
  auto r = tx.one(
      "SELECT failures FROM lookup_failures WHERE tenant_id = ? AND resident_id = ? AND day = ?",
      {tenant_id, resident_id, day});
  return r ? static_cast<int>(r->i64(0)) : 0;
}

std::string receipt_salt(store::Tx& tx, int64_t tenant_id) {
  auto r = tx.one("SELECT settings FROM tenants WHERE id = ?", {tenant_id});
  Json s = r ? parse_stored_json(r->str(0)) : Json();
  if (s.is_object() && s.contains("receipt_salt") && s["receipt_salt"].is_string())
    return s["receipt_salt"].get<std::string>();
  return std::to_string(tenant_id);  // tenants created before salts existed
}

std::string search_text(const Json& answers) {
  std::string s;
  if (answers.is_array())
    for (const auto& a : answers)
      if (a.contains("display") && a["display"].is_string())
        s += a["display"].get<std::string>() + " ";
  return s;
}

// Applies the engine's effects inside the turn's transaction. Returns the receipt number of
// a new application, or of the corrected one on resubmit (its completion message shows it).
std::optional<std::string> apply_effects(store::Tx& tx, int64_t tenant_id, const SessionRow& s,
                                         const std::string& department,
                                         const std::vector<conv::Effect>& effects,
                                         const std::string& channel) {
  std::optional<std::string> receipt;
  int64_t now = clock::now_ms();
  for (const auto& e : effects) {
    switch (e.kind) {
      case conv::Effect::Kind::submit: {
        // applications.session_id is UNIQUE: a duplicated final input cannot create two.
        if (tx.one("SELECT 1 FROM applications WHERE session_id = ?", {s.id})) break;
        int64_t id = tx.insert_id(
            "INSERT INTO applications(tenant_id, receipt_number, service_id, version_id, "
            "session_id, resident_id, channel, department, status, answers, search_text, "
            "total_fee, submitted_at, updated_at, privacy_consent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
            "'new', ?, ?, ?, ?, ?, ?) RETURNING id",
            {tenant_id, "pending-" + s.public_id, s.service_id, s.version_id, s.id, s.resident_id,
             channel, department, e.answers.dump(), search_text(e.answers), e.total_fee, now, now,
             e.consent.is_null() ? store::Value() : store::Value(e.consent.dump())});
        receipt = conv::receipt_number(static_cast<uint64_t>(id), receipt_salt(tx, tenant_id));
        tx.exec(
            "UPDATE applications SET receipt_number = ?, search_text = ? || search_text WHERE id = "
            "?",
            {*receipt, *receipt + " ", id});
        claim_attachments(tx, tenant_id, s.resident_id, e.answers);
        tx.exec(
            "INSERT INTO application_events(tenant_id, application_id, at, kind, detail) VALUES "
            "(?, ?, ?, 'submitted', ?)",
            {tenant_id, id, now, Json{{"channel", channel}}.dump()});
        break;
      }
      case conv::Effect::Kind::resubmit: {
        if (!s.correction_of) break;
        tx.exec(
            "UPDATE applications SET answers = ?, search_text = receipt_number || ' ' || ?, "
            "status = CASE WHEN status = 'done' THEN 'in_progress' ELSE status END, updated_at = ? "
            "WHERE tenant_id = ? AND id = ?",
            {e.answers.dump(), search_text(e.answers), now, tenant_id, *s.correction_of});
        claim_attachments(tx, tenant_id, s.resident_id, e.answers);
        tx.exec(
            "UPDATE corrections SET status = 'resolved', resolved_at = ? WHERE tenant_id = ? AND "
            "application_id = ? AND session_id = ?",
            {now, tenant_id, *s.correction_of, s.id});
        tx.exec(
            "INSERT INTO application_events(tenant_id, application_id, at, kind, detail) VALUES "
            "(?, ?, ?, 'corrected', '{}')",
            {tenant_id, *s.correction_of, now});
        if (auto a =
                tx.one("SELECT receipt_number FROM applications WHERE tenant_id = ? AND id = ?",
                       {tenant_id, *s.correction_of}))
          receipt = a->str(0);
        break;
      }
      case conv::Effect::Kind::rating: {
        auto app = tx.one("SELECT id FROM applications WHERE session_id = ?", {s.id});
        tx.exec(
            "INSERT INTO ratings(tenant_id, service_id, application_id, score, created_at, "
            "step_id) VALUES (?, ?, ?, ?, ?, ?)",
            {tenant_id, s.service_id, app ? store::Value(app->i64(0)) : store::Value(nullptr),
             int64_t{e.score}, now, e.step_id});
        break;
      }
      case conv::Effect::Kind::lookup_failed: {
        std::string day = clock::date_jst(now);
        tx.exec(
            "INSERT INTO lookup_failures(tenant_id, resident_id, day, failures) VALUES (?, ?, ?, "
            "1) ON CONFLICT (tenant_id, resident_id, day) DO UPDATE SET failures = "
            "lookup_failures.failures + 1",
            {tenant_id, s.resident_id, day});
        break;
      }
      case conv::Effect::Kind::quit:
      case conv::Effect::Kind::extension:
        break;
    }
  }
  return receipt;
}

}  // namespace

ChatTurn ChatService::start(int64_t tenant_id, int64_t resident_id, int64_t service_id,
                            const std::string& channel) {
  (void)channel;                                    // the resident row knows its channel
  catalog_.current_version(tenant_id, service_id);  // 404 before taking the write lock
  return db_.write([&](store::Tx& tx) { return start(tx, tenant_id, resident_id, service_id); });
}

ChatTurn ChatService::start(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                            int64_t service_id) {
  auto version = catalog_.current_version(tx, tenant_id, service_id);
  int64_t now = clock::now_ms();
  DbLookupProvider lookups(tx, tenant_id);
  postal::DbAddressLookup addresses(tx);
  conv::Context ctx{clock::date_jst(now), now, &lookups, &addresses,
                    lookup_failures_today(tx, tenant_id, resident_id, clock::date_jst(now))};
  auto res = conv::start(version->definition, ctx);
  ChatTurn turn;
  turn.session_id = crypto::random_token(18);
  turn.resident_id = resident_id;
  turn.prompts = conv::prompts_to_json(res.prompts);
  turn.done = res.done;
  tx.exec(
      "INSERT INTO chat_sessions(public_id, tenant_id, resident_id, service_id, version_id, "
      "state, last_prompts, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {turn.session_id, tenant_id, resident_id, service_id, version->version_id,
       res.state.to_json().dump(), turn.prompts.dump(), res.done ? "done" : "open", now, now});
  return turn;
}

ChatTurn ChatService::input(int64_t tenant_id, int64_t resident_id, const std::string& session_id,
                            const Json& input) {
  return db_.write(
      [&](store::Tx& tx) { return this->input(tx, tenant_id, resident_id, session_id, input); });
}

ChatTurn ChatService::input(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                            const std::string& session_id, const Json& input) {
  int64_t now = clock::now_ms();
  auto parsed = conv::parse_input(input);
  auto s = load_session(tx, tenant_id, resident_id, session_id, true);
  if (!s) throw ApiError::not_found("会話が見つかりません");
  auto version = catalog_.version(tx, tenant_id, s->version_id);
  ChatTurn turn;
  turn.session_id = session_id;
  turn.resident_id = resident_id;
  auto state = conv::SessionState::from_json(s->state);
  // A correction waits for the resident however long they take (it is staff who asked).
  if (s->status == "open" && !s->correction_of && conv::expired(state, now, idle_ms_)) {
    tx.exec("UPDATE chat_sessions SET status = 'expired', updated_at = ? WHERE id = ?",
            {now, s->id});
    s->status = "expired";
  }
  if (s->status == "expired" || s->status == "quit" || s->status == "closed") {
    turn.prompts = Json::array(
        {conv::Prompt::message(s->status == "expired" ? "一定時間操作がなかったため、この手続きは終"
                                                        "了しました。もう一度最初からお願いします。"
                                                      : "この手続きは終了しています。")
             .to_json()});
    turn.done = true;
    return turn;
  }
  DbLookupProvider lookups(tx, tenant_id);
  postal::DbAddressLookup addresses(tx);
  conv::Context ctx{clock::date_jst(now), now, &lookups, &addresses,
                    lookup_failures_today(tx, tenant_id, resident_id, clock::date_jst(now))};
  conv::StepResult res;
  if (auto* in = std::get_if<conv::Input>(&parsed); in && in->type == conv::Input::Type::photo) {
    // The photo must be one this resident uploaded; the engine checks its type and size.
    auto a = tx.one(
        "SELECT content_type, size FROM attachments WHERE tenant_id = ? AND id = ? AND "
        "resident_id = ?",
        {tenant_id, in->attachment_id, resident_id});
    conv::Input photo = *in;
    if (a) {
      photo.content_type = a->str(0);
      photo.size = a->i64(1);
    } else {
      photo.content_type = "invalid";
    }
    res = conv::handle(version->definition, state, photo, ctx);
  } else {
    res = conv::handle_json(version->definition, state, input, ctx);
  }
  std::string channel = tx.one("SELECT channel FROM residents WHERE id = ?", {resident_id})->str(0);
  auto receipt =
      apply_effects(tx, tenant_id, *s, version->definition.department, res.effects, channel);
  if (!receipt && state.completed == false && res.state.completed) {
    // Completed without a new row: the application already existed (duplicate submit).
    auto existing = tx.one("SELECT receipt_number FROM applications WHERE session_id = ?", {s->id});
    if (existing) receipt = existing->str(0);
  }
  // A survey's row keeps its number for staff; the resident is not handed one.
  if (receipt && !conv::shows_receipt_number(version->definition)) {
    conv::fill_receipt_number(res.prompts, "");
    receipt.reset();
  }
  if (receipt) conv::fill_receipt_number(res.prompts, *receipt);
  bool quit = false;
  for (const auto& e : res.effects)
    if (e.kind == conv::Effect::Kind::quit) quit = true;
  turn.prompts = conv::prompts_to_json(res.prompts);
  turn.done = res.done;
  turn.receipt_number = receipt;
  tx.exec(
      "UPDATE chat_sessions SET state = ?, last_prompts = ?, status = ?, updated_at = ? WHERE id = "
      "?",
      {res.state.to_json().dump(), turn.prompts.dump(),
       quit ? "quit" : (res.done ? "done" : "open"), now, s->id});
  return turn;
}

ChatTurn ChatService::resume(int64_t tenant_id, int64_t resident_id,
                             const std::string& session_id) {
  return db_.read([&](store::Tx& tx) { return resume(tx, tenant_id, resident_id, session_id); });
}

ChatTurn ChatService::resume(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                             const std::string& session_id) {
  auto s = load_session(tx, tenant_id, resident_id, session_id, false);
  if (!s) throw ApiError::not_found("会話が見つかりません");
  ChatTurn turn;
  turn.session_id = session_id;
  turn.resident_id = resident_id;
  turn.prompts = s->last_prompts;
  turn.done = s->status != "open";
  if (auto a = tx.one("SELECT receipt_number FROM applications WHERE session_id = ?", {s->id}))
    if (conv::shows_receipt_number(catalog_.version(tx, tenant_id, s->version_id)->definition))
      turn.receipt_number = a->str(0);
  return turn;
}

std::optional<std::string> ChatService::open_session(int64_t tenant_id, int64_t resident_id) {
  return db_.read([&](store::Tx& tx) { return open_session(tx, tenant_id, resident_id); });
}

std::optional<std::string> ChatService::open_session(store::Tx& tx, int64_t tenant_id,
                                                     int64_t resident_id) {
  auto r = tx.one(
      "SELECT public_id FROM chat_sessions WHERE tenant_id = ? AND resident_id = ? AND status "
      "= 'open' ORDER BY updated_at DESC, id DESC LIMIT 1",
      {tenant_id, resident_id});
  if (!r) return std::nullopt;
  return r->str(0);
}

void ChatService::close_open_sessions(int64_t tenant_id, int64_t resident_id) {
  db_.write([&](store::Tx& tx) { close_open_sessions(tx, tenant_id, resident_id); });
}

void ChatService::close_open_sessions(store::Tx& tx, int64_t tenant_id, int64_t resident_id) {
  tx.exec(
      "UPDATE chat_sessions SET status = 'closed', updated_at = ? WHERE tenant_id = ? AND "
      "resident_id = ? AND status = 'open'",
      {clock::now_ms(), tenant_id, resident_id});
}

std::string ChatService::start_correction(store::Tx& tx, int64_t tenant_id, int64_t application_id,
                                          const std::vector<std::string>& step_ids,
                                          const std::string& reason) {
  auto app = tx.one("SELECT resident_id FROM applications WHERE tenant_id = ? AND id = ?",
                    {tenant_id, application_id});
  if (!app) throw ApiError::not_found();
  // The resident's other open dialogs give way to the correction.
  tx.exec(
      "UPDATE chat_sessions SET status = 'closed' WHERE tenant_id = ? AND resident_id = ? AND "
      "status = 'open'",
      {tenant_id, app->i64(0)});
  return insert_correction_session(tx, tenant_id, application_id, step_ids, reason);
}

std::string ChatService::insert_correction_session(store::Tx& tx, int64_t tenant_id,
                                                   int64_t application_id,
                                                   const std::vector<std::string>& step_ids,
                                                   const std::string& reason) {
  auto app = tx.one(
      "SELECT service_id, version_id, resident_id, answers FROM applications WHERE tenant_id = ? "
      "AND id = ?",
      {tenant_id, application_id});
  if (!app) throw ApiError::not_found();
  auto version = catalog_.version(tx, tenant_id, app->i64(1));
  int64_t now = clock::now_ms();
  conv::Context ctx{clock::date_jst(now), now, nullptr, nullptr, 0};
  conv::StepResult res;
  try {
    res =
        conv::start_correction(version->definition, parse_json(app->str(3)), step_ids, reason, ctx);
  } catch (const std::invalid_argument& e) {
    throw ApiError::bad_request("やり直す項目を選んでください", "step_ids");
  }
  std::string public_id = crypto::random_token(18);
  tx.exec(
      "INSERT INTO chat_sessions(public_id, tenant_id, resident_id, service_id, version_id, state, "
      "last_prompts, status, correction_of, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
      "'open', ?, ?, ?)",
      {public_id, tenant_id, app->i64(2), app->i64(0), app->i64(1), res.state.to_json().dump(),
       conv::prompts_to_json(res.prompts).dump(), application_id, now, now});
  return public_id;
}

CorrectionChat ChatService::open_correction(int64_t tenant_id, int64_t resident_id,
                                            int64_t correction_id) {
  return db_.write([&](store::Tx& tx) {
    // One answer for "no such correction" and "not this device's": ids are sequential, so
    // telling them apart would reveal which corrections exist.
    auto owned = tx.one(
        "SELECT c.application_id FROM corrections c JOIN applications a ON a.id = "
        "c.application_id WHERE c.tenant_id = ? AND c.id = ? AND a.resident_id = ?",
        {tenant_id, correction_id, resident_id});
    if (!owned)
      throw ApiError::not_found(
          "この修正依頼は見つかりません。申請したときと同じ端末・ブラウザで開いてください。");
    // The application's row lock, as staff's status changes and correction requests take it,
    // so a reopened dialog cannot race a resubmission or a new request.
    tx.one(std::string("SELECT 1 FROM applications WHERE tenant_id = ? AND id = ?") +
               store::for_update(tx),
           {tenant_id, owned->i64(0)});
    auto c = tx.one(
        "SELECT c.application_id, c.step_ids, c.reason, c.status, cs.public_id, cs.status, "
        "a.receipt_number, a.service_id, s.title FROM corrections c JOIN applications a ON a.id = "
        "c.application_id JOIN services s ON s.id = a.service_id LEFT JOIN chat_sessions cs ON "
        "cs.id = c.session_id WHERE c.tenant_id = ? AND c.id = ?",
        {tenant_id, correction_id});
    CorrectionChat out;
    out.correction_id = correction_id;
    out.reason = c->str(2);
    out.receipt_number = c->str(6);
    out.service_id = c->i64(7);
    out.service_title = c->str(8);
    if (c->str(3) == "superseded")
      throw ApiError(
          409, "correction_superseded",
          "この修正依頼は新しい依頼に置き換えられました。申請した手続きから開いてください。");
    if (c->str(3) != "open")
      throw ApiError(409, "correction_resolved", "この修正依頼には、すでに回答済みです。");
    std::string session = c->is_null(4) ? "" : c->str(4);
    // A correction outlives its dialog: if the resident quit it, or it was closed by another
    // dialog, a fresh one re-asks the same items, so the request can still be answered.
    if (session.empty() || c->str(5) != "open") {
      std::vector<std::string> step_ids;
      Json ids = parse_stored_json(c->str(1));
      if (ids.is_array())
        for (const auto& id : ids)
          if (id.is_string()) step_ids.push_back(id.get<std::string>());
      session = insert_correction_session(tx, tenant_id, c->i64(0), step_ids, c->str(2));
      tx.exec(
          "UPDATE corrections SET session_id = (SELECT id FROM chat_sessions WHERE public_id = ?) "
          "WHERE tenant_id = ? AND id = ?",
          {session, tenant_id, correction_id});
    }
    out.session_id = session;
    return out;
  });
}

}  // namespace mg::applications
