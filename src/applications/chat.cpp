#include "applications/chat.h"

#include <ctime>

#include "applications/application_store.h"
#include "applications/attachments.h"
#include "applications/lookup_lists.h"
#include "applications/reservation_slots.h"
#include "applications/session_store.h"
#include "auth/store.h"
#include "conversation/engine.h"
#include "conversation/receipt.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "jobs/queue.h"
#include "postal/service.h"
#include "residents/store.h"
#include "services/store.h"

namespace mg::applications {

namespace conv = mg::conversation;

namespace {

using sql::SessionRow;

std::string receipt_salt(store::Tx& tx, int64_t tenant_id) {
  auto t = auth::sql::tenant_by_id(tx, tenant_id);
  Json s = t ? t->settings : Json();
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
                                         const std::vector<conv::Effect>& effects) {
  std::optional<std::string> receipt;
  int64_t now = clock::now_ms();
  for (const auto& e : effects) {
    switch (e.kind) {
      case conv::Effect::Kind::submit: {
        // applications.session_id is UNIQUE: a duplicated final input cannot create two.
        if (sql::application_of_session(tx, tenant_id, s.id)) break;
        // Asked only here: most turns submit nothing, and the chat turn is the hot path.
        auto resident = residents::by_id(tx, tenant_id, s.resident_id);
        std::string channel = resident ? resident->channel : "web";
        int64_t id = sql::insert_application(
            tx, {tenant_id, s.service_id, s.version_id, s.id, s.resident_id, s.public_id, channel,
                 department, e.answers, search_text(e.answers), e.total_fee, now, e.consent});
        receipt = conv::receipt_number(static_cast<uint64_t>(id), receipt_salt(tx, tenant_id));
        sql::set_receipt(tx, tenant_id, id, *receipt);
        claim_attachments(tx, tenant_id, s.resident_id, e.answers);
        sql::add_event(tx, tenant_id, id, now, "submitted", Json{{"channel", channel}});
        break;
      }
      case conv::Effect::Kind::resubmit: {
        if (!s.correction_of) break;
        sql::replace_answers(tx, tenant_id, *s.correction_of, e.answers, search_text(e.answers),
                             now);
        claim_attachments(tx, tenant_id, s.resident_id, e.answers);
        sql::resolve_correction(tx, tenant_id, *s.correction_of, s.id, now);
        sql::add_event(tx, tenant_id, *s.correction_of, now, "corrected", Json::object());
        if (auto a = sql::application_by_id(tx, tenant_id, *s.correction_of))
          receipt = a->receipt_number;
        break;
      }
      case conv::Effect::Kind::rating: {
        auto app = sql::application_of_session(tx, tenant_id, s.id);
        sql::add_rating(tx, tenant_id, s.service_id,
                        app ? std::optional<int64_t>(app->id) : std::nullopt, e.score, now,
                        e.step_id);
        break;
      }
      case conv::Effect::Kind::lookup_failed: {
        sql::add_lookup_failure(tx, tenant_id, s.resident_id, clock::date_jst(now));
        break;
      }
      case conv::Effect::Kind::quit:
      case conv::Effect::Kind::extension:
      case conv::Effect::Kind::custom:
        break;
    }
  }
  return receipt;
}

// The turn's effects one at a time, so one that fails re-asks a step instead of completing
// (conv::apply_effects): a submit whose reservation the ledger refuses stores nothing and asks
// for another slot.
class TurnEffects final : public conv::EffectApplier {
 public:
  TurnEffects(store::Tx& tx, int64_t tenant_id, const SessionRow& s,
              const conv::ServiceDefinition& def)
      : tx_(tx), tenant_id_(tenant_id), s_(s), def_(def) {}
  conv::EffectOutcome apply(const conv::Effect& e) override {
    // Booked with the application, in its transaction; a repeated submit books nothing.
    if (e.kind == conv::Effect::Kind::submit &&
        !sql::application_of_session(tx_, tenant_id_, s_.id)) {
      auto booked =
          book_reserve_answers(tx_, tenant_id_, s_.resident_id, def_, e.answers, clock::now_ms());
      if (!booked.ok) return booked;
    }
    if (auto r = apply_effects(tx_, tenant_id_, s_, def_.department, {e})) receipt = r;
    return conv::EffectOutcome::success();
  }
  std::optional<std::string> receipt;

 private:
  store::Tx& tx_;
  int64_t tenant_id_;
  const SessionRow& s_;
  const conv::ServiceDefinition& def_;
};

}  // namespace

ChatTurn ChatService::start(int64_t tenant_id, int64_t resident_id, int64_t service_id,
                            const std::string& channel) {
  (void)channel;                                    // the resident row knows its channel
  catalog_.current_version(tenant_id, service_id);  // 404 before taking the write lock
  // Chat turns are short transactions many residents run at once: grouped commits.
  return db_.write_grouped(
      [&](store::Tx& tx) { return start(tx, tenant_id, resident_id, service_id); });
}

ChatTurn ChatService::start(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                            int64_t service_id) {
  auto version = catalog_.current_version(tx, tenant_id, service_id);
  int64_t now = clock::now_ms();
  DbLookupProvider lookups(tx, tenant_id);
  postal::DbAddressLookup addresses(tx);
  conv::Context ctx{clock::date_jst(now), now, &lookups, &addresses,
                    sql::lookup_failures(tx, tenant_id, resident_id, clock::date_jst(now))};
  LedgerSlots slots(tx, tenant_id, now);
  ctx.slots = &slots;
  auto res = conv::start(version->definition, ctx);
  ChatTurn turn;
  turn.session_id = crypto::random_token(18);
  turn.resident_id = resident_id;
  turn.prompts = conv::prompts_to_json(res.prompts);
  turn.done = res.done;
  sql::insert_session(
      tx, {turn.session_id, tenant_id, resident_id, service_id, version->version_id,
           res.state.to_json(), turn.prompts, res.done ? "done" : "open", std::nullopt, now});
  return turn;
}

ChatTurn ChatService::input(int64_t tenant_id, int64_t resident_id, const std::string& session_id,
                            const Json& input) {
  return db_.write_grouped(
      [&](store::Tx& tx) { return this->input(tx, tenant_id, resident_id, session_id, input); });
}

ChatTurn ChatService::input(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                            const std::string& session_id, const Json& input) {
  int64_t now = clock::now_ms();
  auto parsed = conv::parse_input(input);
  auto s = sql::session_for_turn(tx, tenant_id, resident_id, session_id, clock::date_jst(now));
  if (!s) throw ApiError::not_found("会話が見つかりません");
  auto version = catalog_.version(tx, tenant_id, s->version_id);
  ChatTurn turn;
  turn.session_id = session_id;
  turn.resident_id = resident_id;
  auto state = conv::SessionState::from_json(s->state);
  // A correction waits for the resident however long they take (it is staff who asked).
  if (s->status == "open" && !s->correction_of && conv::expired(state, now, idle_ms_)) {
    sql::set_session_status(tx, tenant_id, s->id, "expired", now);
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
  conv::Context ctx{clock::date_jst(now), now, &lookups, &addresses, s->lookup_failures_today};
  LedgerSlots slots(tx, tenant_id, now);
  ctx.slots = &slots;
  conv::StepResult res;
  if (auto* in = std::get_if<conv::Input>(&parsed); in && in->type == conv::Input::Type::photo) {
    // The photo must be one this resident uploaded; the engine checks its type and size.
    auto a = own_attachment(tx, tenant_id, in->attachment_id, resident_id);
    conv::Input photo = *in;
    if (a) {
      photo.content_type = a->content_type;
      photo.size = a->size;
    } else {
      photo.content_type = "invalid";
    }
    res = conv::handle(version->definition, state, photo, ctx);
  } else {
    res = conv::handle_json(version->definition, state, input, ctx);
  }
  TurnEffects effects(tx, tenant_id, *s, version->definition);
  res = conv::apply_effects(version->definition, state, std::move(res), effects, ctx);
  auto receipt = effects.receipt;
  if (!receipt && state.completed == false && res.state.completed) {
    // Completed without a new row: the application already existed (duplicate submit).
    if (auto existing = sql::application_of_session(tx, tenant_id, s->id))
      receipt = existing->receipt_number;
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
  sql::save_turn(tx, tenant_id, s->id, res.state.to_json(), turn.prompts,
                 quit ? "quit" : (res.done ? "done" : "open"), now);
  return turn;
}

ChatTurn ChatService::resume(int64_t tenant_id, int64_t resident_id,
                             const std::string& session_id) {
  return db_.read([&](store::Tx& tx) { return resume(tx, tenant_id, resident_id, session_id); });
}

ChatTurn ChatService::resume(store::Tx& tx, int64_t tenant_id, int64_t resident_id,
                             const std::string& session_id) {
  auto s = sql::session_of(tx, tenant_id, resident_id, session_id, false);
  if (!s) throw ApiError::not_found("会話が見つかりません");
  ChatTurn turn;
  turn.session_id = session_id;
  turn.resident_id = resident_id;
  turn.prompts = s->last_prompts;
  turn.done = s->status != "open";
  if (auto a = sql::application_of_session(tx, tenant_id, s->id))
    if (conv::shows_receipt_number(catalog_.version(tx, tenant_id, s->version_id)->definition))
      turn.receipt_number = a->receipt_number;
  return turn;
}

std::optional<std::string> ChatService::open_session(int64_t tenant_id, int64_t resident_id) {
  return db_.read([&](store::Tx& tx) { return open_session(tx, tenant_id, resident_id); });
}

std::optional<std::string> ChatService::open_session(store::Tx& tx, int64_t tenant_id,
                                                     int64_t resident_id) {
  return sql::latest_open_session(tx, tenant_id, resident_id);
}

void ChatService::close_open_sessions(int64_t tenant_id, int64_t resident_id) {
  db_.write([&](store::Tx& tx) { close_open_sessions(tx, tenant_id, resident_id); });
}

void ChatService::close_open_sessions(store::Tx& tx, int64_t tenant_id, int64_t resident_id) {
  sql::close_open_sessions(tx, tenant_id, resident_id, clock::now_ms());
}

std::string ChatService::start_correction(store::Tx& tx, int64_t tenant_id, int64_t application_id,
                                          const std::vector<std::string>& step_ids,
                                          const std::string& reason) {
  auto app = sql::application_by_id(tx, tenant_id, application_id);
  if (!app) throw ApiError::not_found();
  // The resident's other open dialogs give way to the correction.
  sql::close_open_sessions(tx, tenant_id, app->resident_id, std::nullopt);
  return insert_correction_session(tx, tenant_id, application_id, step_ids, reason).first;
}

std::pair<std::string, int64_t> ChatService::insert_correction_session(
    store::Tx& tx, int64_t tenant_id, int64_t application_id,
    const std::vector<std::string>& step_ids, const std::string& reason) {
  auto app = sql::application_by_id(tx, tenant_id, application_id);
  if (!app) throw ApiError::not_found();
  auto version = catalog_.version(tx, tenant_id, app->version_id);
  int64_t now = clock::now_ms();
  conv::Context ctx{clock::date_jst(now), now, nullptr, nullptr, 0};
  conv::StepResult res;
  try {
    res = conv::start_correction(version->definition, app->answers, step_ids, reason, ctx);
  } catch (const std::invalid_argument& e) {
    throw ApiError::bad_request("やり直す項目を選んでください", "step_ids");
  }
  std::string public_id = crypto::random_token(18);
  int64_t id = sql::insert_session(
      tx, {public_id, tenant_id, app->resident_id, app->service_id, app->version_id,
           res.state.to_json(), conv::prompts_to_json(res.prompts), "open", application_id, now});
  return {public_id, id};
}

CorrectionChat ChatService::open_correction(int64_t tenant_id, int64_t resident_id,
                                            int64_t correction_id) {
  return db_.write([&](store::Tx& tx) {
    // One answer for "no such correction" and "not this device's": ids are sequential, so
    // telling them apart would reveal which corrections exist.
    auto owned = sql::correction_application(tx, tenant_id, correction_id, resident_id);
    if (!owned)
      throw ApiError::not_found(
          "この修正依頼は見つかりません。申請したときと同じ端末・ブラウザで開いてください。");
    // The application's row lock, as staff's status changes and correction requests take it,
    // so a reopened dialog cannot race a resubmission or a new request.
    sql::lock_application(tx, tenant_id, *owned);
    auto c = sql::correction_by_id(tx, tenant_id, correction_id);
    CorrectionChat out;
    out.correction_id = correction_id;
    out.reason = c->reason;
    out.receipt_number = c->receipt_number;
    out.service_id = c->service_id;
    out.service_title = services::sql::title_of(tx, tenant_id, c->service_id).value_or("");
    if (c->status == "superseded")
      throw ApiError(
          409, "correction_superseded",
          "この修正依頼は新しい依頼に置き換えられました。申請した手続きから開いてください。");
    if (c->status != "open")
      throw ApiError(409, "correction_resolved", "この修正依頼には、すでに回答済みです。");
    std::string session = c->session_public_id.value_or("");
    // A correction outlives its dialog: if the resident quit it, or it was closed by another
    // dialog, a fresh one re-asks the same items, so the request can still be answered.
    if (session.empty() || c->session_status != "open") {
      std::vector<std::string> step_ids;
      if (c->step_ids.is_array())
        for (const auto& id : c->step_ids)
          if (id.is_string()) step_ids.push_back(id.get<std::string>());
      auto fresh = insert_correction_session(tx, tenant_id, c->application_id, step_ids, c->reason);
      sql::set_correction_session(tx, tenant_id, correction_id, fresh.second);
      session = fresh.first;
    }
    out.session_id = session;
    return out;
  });
}

}  // namespace mg::applications
