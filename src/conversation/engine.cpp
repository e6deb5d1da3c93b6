#include "conversation/engine.h"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "conversation/consent.h"
#include "conversation/date_parse.h"
#include "conversation/interpret.h"
#include "conversation/normalize.h"
#include "conversation/question.h"
#include "conversation/route.h"
#include "conversation/step_kind.h"

namespace mg::conversation {
namespace {

const char* kHelpText =
    "質問に順番に答えてください。選択肢はボタンを押して選べます。\n"
    "・「戻る」：ひとつ前の質問に戻ります\n"
    "・「最初から」：最初からやり直します\n"
    "・「やめる」：手続きを中止します\n"
    "・「ヘルプ」：この説明を表示します";

// One turn's work; holds the result being built.
class Turn final : public StepRuntime {
 public:
  Turn(const ServiceDefinition& def, const Context& ctx, SessionState state)
      : def_(def), ctx_(ctx), today_(parse_iso_date(ctx.today).value_or(Date{2000, 1, 1})) {
    r_.state = std::move(state);
    r_.state.last_activity = ctx.now_ms;
  }

  StepResult finish_turn() {
    r_.done = r_.state.done;
    r_.prompts = fit_for_line(std::move(r_.prompts));
    return std::move(r_);
  }

  void begin() {
    SessionState& st = r_.state;
    if (!def_.available_from.empty() && ctx_.today < def_.available_from) {
      say("この手続きの受付は" + window() + "です。受付期間になってからご利用ください。");
      return end();
    }
    if (!def_.available_to.empty() && ctx_.today > def_.available_to) {
      say("この手続きの受付は終了しました（受付期間：" + window() + "）。");
      return end();
    }
    st.started_at = ctx_.now_ms;
    enter(def_.start);
  }

  void begin_correction(const std::vector<std::string>& step_ids, const std::string& reason) {
    SessionState& st = r_.state;
    st.correcting = true;
    st.correction = step_ids;
    st.started_at = ctx_.now_ms;
    say("申請内容の修正をお願いします。" + (reason.empty() ? "" : "\n理由：" + reason) +
        "\n該当する項目をもう一度入力してください。");
    enter(st.correction.front());
  }

  void handle(const Input& in) {
    SessionState& st = r_.state;
    std::optional<std::string> command;
    if (in.type == Input::Type::command) command = in.command;
    if (in.type == Input::Type::text) command = command_from_text(in.text);

    if (st.done) {
      if (command == "restart") return restart();
      say(st.completed ? "この手続きは完了しています。" : "この手続きは終了しています。");
      return;
    }
    if (command) return run_command(*command, in.step_id);

    const Step* step = def_.find(st.current);
    if (!step) {
      // The definition changed under a stored session: start over rather than guess.
      say("手続きの内容が更新されたため、最初からやり直します。");
      return restart_quietly();
    }
    if (step->kind == StepKind::confirm) return at_confirm(*step, in);
    if (st.phase == kConsentPhase) return at_consent(*step, in);

    Interpretation i = interpret(*step, st, in, ctx_);
    switch (i.kind) {
      case Interpretation::Kind::error:
        r_.prompts.push_back(Prompt::error(step->id, i.error));
        return ask(*step);
      case Interpretation::Kind::page:
        st.page = i.page;
        return ask(*step);
      case Interpretation::Kind::pending:
        st.phase = i.phase;
        st.pending = i.pending;
        return ask(*step);
      case Interpretation::Kind::answer:
        store(*step, std::move(i.answer));
        return advance_from(*step);
    }
  }

  // After the host could not carry out an effect (engine.h: apply_effects).
  void reask_after_failure(const std::string& step_id, const std::string& reason) {
    SessionState& st = r_.state;
    const Step* target = def_.find(step_id);
    const Step* current = def_.find(st.current);
    if (st.done || !target || !is_question(*target)) {
      r_.prompts.push_back(Prompt::error(st.current, reason));
      return reask();
    }
    if (auto a = st.answers.find(step_id); a != st.answers.end()) failed_ = std::move(a->second);
    st.answers.erase(step_id);
    r_.prompts.push_back(Prompt::error(step_id, reason));
    // From the summary the resident comes back to it once the step is answered again.
    if (current && current->kind == StepKind::confirm && current->id != step_id) {
      st.editing = true;
      st.history.push_back(current->id);
    }
    enter(step_id);
  }

  // StepRuntime, for kinds passing their step.
  const ServiceDefinition& definition() const override { return def_; }
  const Context& context() const override { return ctx_; }
  const Date& today() const override { return today_; }
  SessionState& state() override { return r_.state; }
  void show(Prompt p) override { r_.prompts.push_back(std::move(p)); }
  void emit(Effect e) override { r_.effects.push_back(std::move(e)); }
  const std::vector<Effect>& effects() const override { return r_.effects; }
  const Answer* failed_answer() const override { return failed_ ? &*failed_ : nullptr; }

 private:
  std::string window() const {
    auto show = [](const std::string& iso) {
      auto d = parse_iso_date(iso);
      return d ? to_wareki(*d) : iso;
    };
    return show(def_.available_from) + "から" + show(def_.available_to);
  }

  void end() {
    r_.state.current.clear();
    r_.state.done = true;
    r_.state.editing = false;
  }

  void ask(const Step& step) {
    if (r_.state.phase == kConsentPhase && def_.privacy_notice) {
      r_.prompts.push_back(consent_prompt(*def_.privacy_notice, step.id, false));
    } else if (step.kind == StepKind::confirm) {
      auto ps = confirm_prompts(def_, step, r_.state, today_);
      r_.prompts.insert(r_.prompts.end(), ps.begin(), ps.end());
    } else {
      r_.prompts.push_back(question_for(step, r_.state, ctx_));
    }
  }

  void reask() {
    if (const Step* s = def_.find(r_.state.current)) ask(*s);
  }

  void store(const Step& step, Answer answer) {
    SessionState& st = r_.state;
    // A changed answer invalidates lookups that used it, so they run again.
    for (const auto& s : def_.steps)
      if (spec_of(s).depends_on(s, step.id)) st.answers.erase(s.id);
    spec_of(step).answered(step, answer, r_.effects);
    st.answers[step.id] = std::move(answer);
    st.history.push_back(step.id);
  }

  void advance_from(const Step& step) {
    SessionState& st = r_.state;
    if (st.correcting) {
      st.correction.erase(std::remove(st.correction.begin(), st.correction.end(), step.id),
                          st.correction.end());
      if (!st.correction.empty()) return enter(st.correction.front());
      return resume();
    }
    if (st.editing) return resume();
    enter(next_of(def_, step, st.answers, today_));
  }

  // After an edit or correction: the first step on the route still needing the resident
  // (a new branch may need new answers), else the summary.
  void resume() {
    Route route = walk(def_, r_.state.answers, today_);
    const Step* stop = def_.find(route.stop);
    if (stop && stop->kind == StepKind::confirm) r_.state.editing = false;
    enter(route.stop);
  }

  void enter(std::string id) {
    SessionState& st = r_.state;
    // Bounded: a definition cycle through messages/branches must not hang the server.
    for (size_t guard = 0; guard < def_.steps.size() * 2 + 4; ++guard) {
      const Step* s = def_.find(id);
      if (!s) return end();
      st.page = 0;
      st.phase.clear();
      st.pending = Json();
      Entry entry = spec_of(*s).enter(*s, *this);
      switch (entry.kind) {
        case Entry::Kind::go:
          id = entry.next;
          continue;
        case Entry::Kind::stop:
          return end();
        case Entry::Kind::ask:
          st.current = s->id;
          start_from_answer(*s);
          if (needs_consent(def_, *s, st)) st.phase = kConsentPhase;
          ask(*s);
          return;
      }
    }
    end();
  }

  // Re-asking an answered multi-choice (edit, correction, 戻る) starts from the stored
  // selection, so ticking one more item adds to it instead of replacing it.
  void start_from_answer(const Step& s) {
    SessionState& st = r_.state;
    if (s.kind != StepKind::choice || !s.multiple) return;
    auto a = st.answers.find(s.id);
    if (a == st.answers.end() || !a->second.value.is_array()) return;
    for (const auto& v : a->second.value)
      if (!v.is_string()) return;
    st.pending = Json{{"selected", a->second.value}};
  }

  void at_confirm(const Step& confirm, const Input& in) {
    SessionState& st = r_.state;
    std::string v = in.type == Input::Type::choice ? in.value
                    : in.type == Input::Type::text ? normalize_text(in.text)
                                                   : "";
    if (v == kConfirmSubmit || v == "この内容で申請する" || v == "申請する" || v == "はい" ||
        v == "送信") {
      st.history.push_back(confirm.id);
      return enter(next_of(def_, confirm, st.answers, today_));
    }
    if (v == kConfirmEdit || v == "修正する" || v == "修正") {
      st.page = 0;
      r_.prompts.push_back(edit_menu(def_, confirm, st, today_));
      return;
    }
    if (v == kNextPage || v == kPrevPage) {
      st.page = std::max(0, st.page + (v == kNextPage ? 1 : -1));
      r_.prompts.push_back(edit_menu(def_, confirm, st, today_));
      return;
    }
    if (v.rfind(kEditPrefix, 0) == 0) return edit(v.substr(std::string(kEditPrefix).size()));
    // A typed item label ("氏名") also picks it for editing.
    for (const auto& id : answered_on_route(def_, st.answers, today_)) {
      const Step* s = def_.find(id);
      if (!v.empty() && is_question(*s) && normalize_text(step_label(*s)) == v) return edit(id);
    }
    r_.prompts.push_back(
        Prompt::error(confirm.id, "「この内容で申請する」か「修正する」を選んでください。"));
    ask(confirm);
  }

  // The privacy notice stands in front of `step` until the resident agrees; refusing ends
  // nothing by itself (they may still agree) but offers やめる.
  void at_consent(const Step& step, const Input& in) {
    SessionState& st = r_.state;
    const PrivacyNotice& notice = *def_.privacy_notice;
    auto reply = read_consent(in.type == Input::Type::choice ? in.value : "",
                              in.type == Input::Type::text ? in.text : "");
    switch (reply) {
      case ConsentReply::agree:
        st.consent = consent_record(notice, ctx_.now_ms);
        st.phase.clear();
        start_from_answer(step);
        return ask(step);
      case ConsentReply::decline:
        r_.prompts.push_back(consent_prompt(notice, step.id, true));
        return;
      case ConsentReply::quit:
        return run_command("quit", {});
      case ConsentReply::unclear:
        r_.prompts.push_back(
            Prompt::error(step.id, "「同意する」か「同意しない」を選んでください。"));
        return ask(step);
    }
  }

  void edit(const std::string& step_id) {
    SessionState& st = r_.state;
    const Step* current = def_.find(st.current);
    auto on_route = answered_on_route(def_, st.answers, today_);
    const Step* target = def_.find(step_id);
    bool ok = current && current->kind == StepKind::confirm && target && is_question(*target) &&
              std::find(on_route.begin(), on_route.end(), step_id) != on_route.end();
    if (!ok) {
      r_.prompts.push_back(Prompt::error(step_id, "この項目はいま修正できません。"));
      return reask();
    }
    st.editing = true;
    st.history.push_back(current->id);
    enter(step_id);
  }

  void run_command(const std::string& command, const std::string& step_id) {
    SessionState& st = r_.state;
    if (command == "help") {
      say(kHelpText);
      return reask();
    }
    if (command == "quit") {
      Effect e;
      e.kind = Effect::Kind::quit;
      r_.effects.push_back(e);
      say("手続きを中止しました。入力した内容は送信されていません。");
      return end();
    }
    if (command == "restart") {
      // Starting over would turn the correction into a second application.
      if (st.correcting) {
        r_.prompts.push_back(Prompt::error(
            st.current, "修正中は最初からやり直せません。「戻る」で前の項目に戻れます。"));
        return reask();
      }
      if (st.completed) {
        say("この申請は送信済みです。新しく申請する場合は、もう一度手続きを選んでください。");
        return reask();
      }
      return restart();
    }
    if (command == "edit") return edit(step_id);
    // back
    if (st.history.empty()) {
      r_.prompts.push_back(Prompt::error(st.current, "これ以上前には戻れません。"));
      return reask();
    }
    std::string target = st.history.back();
    st.history.pop_back();
    if (def_.find(st.current) && def_.find(st.current)->kind == StepKind::confirm)
      st.editing = false;
    enter(target);
  }

  void restart() {
    say("最初からやり直します。");
    restart_quietly();
  }

  void restart_quietly() {
    SessionState fresh;
    fresh.service_key = def_.service_key;
    fresh.last_activity = ctx_.now_ms;
    r_.state = fresh;
    begin();
  }

  const ServiceDefinition& def_;
  const Context& ctx_;
  Date today_;
  StepResult r_;
  std::optional<Answer> failed_;  // the answer being re-asked after the host refused it
};

}  // namespace

Json StepResult::to_json() const {
  Json effects_json = Json::array();
  for (const auto& e : effects) effects_json.push_back(e.to_json());
  return Json{{"state", state.to_json()},
              {"prompts", prompts_to_json(prompts)},
              {"effects", effects_json},
              {"done", done}};
}

StepResult start(const ServiceDefinition& def, const Context& ctx) {
  SessionState st;
  st.service_key = def.service_key;
  Turn t(def, ctx, st);
  t.begin();
  return t.finish_turn();
}

StepResult handle(const ServiceDefinition& def, const SessionState& state, const Input& input,
                  const Context& ctx) {
  Turn t(def, ctx, state);
  t.handle(input);
  return t.finish_turn();
}

StepResult handle_json(const ServiceDefinition& def, const SessionState& state, const Json& input,
                       const Context& ctx) {
  auto parsed = parse_input(input);
  if (auto* in = std::get_if<Input>(&parsed)) return handle(def, state, *in, ctx);
  StepResult r;
  r.state = state;
  r.state.last_activity = ctx.now_ms;
  r.prompts.push_back(Prompt::error(state.current, std::get<InputError>(parsed).message));
  if (const Step* s = def.find(state.current); s && !state.done) {
    if (state.phase == kConsentPhase && def.privacy_notice) {
      r.prompts.push_back(consent_prompt(*def.privacy_notice, s->id, false));
    } else if (s->kind == StepKind::confirm) {
      auto ps =
          confirm_prompts(def, *s, state, parse_iso_date(ctx.today).value_or(Date{2000, 1, 1}));
      r.prompts.insert(r.prompts.end(), ps.begin(), ps.end());
    } else {
      r.prompts.push_back(question_for(*s, state, ctx));
    }
  }
  r.done = state.done;
  return r;
}

StepResult apply_effects(const ServiceDefinition& def, const SessionState& before, StepResult turn,
                         EffectApplier& host, const Context& ctx) {
  for (size_t i = 0; i < turn.effects.size(); ++i) {
    EffectOutcome outcome = host.apply(turn.effects[i]);
    if (outcome.ok) continue;
    std::string step = outcome.reask_step.empty() ? turn.effects[i].step_id : outcome.reask_step;
    Turn t(def, ctx, before);
    t.reask_after_failure(step, outcome.reason);
    StepResult r = t.finish_turn();
    // What was applied stays on record for the host (e.g. a quit is not among them).
    r.effects.assign(turn.effects.begin(), turn.effects.begin() + static_cast<long>(i));
    return r;
  }
  return turn;
}

StepResult start_correction(const ServiceDefinition& def, const Json& answers,
                            const std::vector<std::string>& step_ids, const std::string& reason,
                            const Context& ctx) {
  SessionState st;
  st.service_key = def.service_key;
  st.completed = false;
  if (answers.is_array()) {
    for (const auto& a : answers) {
      if (!a.is_object() || !a.contains("step_id") || !a["step_id"].is_string()) continue;
      st.answers[a["step_id"].get<std::string>()] =
          Answer{a.value("value", Json()), a.value("display", "")};
    }
  }
  std::vector<std::string> ids;
  for (const auto& id : step_ids) {
    const Step* s = def.find(id);
    if (s && is_question(*s) && std::find(ids.begin(), ids.end(), id) == ids.end())
      ids.push_back(id);
  }
  if (ids.empty()) throw std::invalid_argument("no correctable step among the given step ids");
  // Ask in dialog order, whatever order staff ticked them in.
  std::sort(ids.begin(), ids.end(), [&](const std::string& a, const std::string& b) {
    return def.index_of(a) < def.index_of(b);
  });
  Turn t(def, ctx, st);
  t.begin_correction(ids, reason);
  return t.finish_turn();
}

}  // namespace mg::conversation
