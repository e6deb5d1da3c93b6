#include "services/flow_checks.h"

#include "conversation/date_parse.h"
#include "conversation/engine.h"
#include "conversation/input.h"
#include "conversation/normalize.h"
#include "conversation/question.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/json_parse.h"
#include "services/routes.h"
#include "services/store.h"

namespace mg::services {
namespace conv = mg::conversation;

namespace {
// The stored tests of a service and a run's body are small; this keeps a forged body cheap.
constexpr JsonLimits kFlowCheckLimits{16, 256 * 1024};

[[noreturn]] void bad(const std::string& field, const std::string& message) {
  throw ApiError::bad_request(message, field);
}

std::string bounded_text(const Json& j, const std::string& field, size_t max_chars, bool required) {
  if (!j.is_string()) bad(field, "文字で入力してください");
  std::string s = j.get<std::string>();
  if (required && conv::normalize_text(s).empty()) bad(field, "入力してください");
  if (conv::char_count(s) > max_chars)
    bad(field, std::to_string(max_chars) + "文字以内で入力してください");
  return s;
}

FlowCheck parse_one(const Json& t, const std::string& at) {
  if (!t.is_object()) bad(at, "テストはオブジェクトで指定してください");
  for (auto it = t.begin(); it != t.end(); ++it)
    if (it.key() != "name" && it.key() != "answers" && it.key() != "expect")
      bad(at + "." + it.key(), "テストに使えない項目です");
  FlowCheck c;
  c.name = bounded_text(t.value("name", Json()), at + ".name", kMaxFlowTestNameChars, true);
  const Json answers = t.value("answers", Json::array());
  if (!answers.is_array() || answers.size() > kMaxFlowTestAnswers)
    bad(at + ".answers",
        "回答は" + std::to_string(kMaxFlowTestAnswers) + "個までの並びで指定してください");
  for (size_t i = 0; i < answers.size(); ++i) {
    std::string f = at + ".answers[" + std::to_string(i) + "]";
    const Json& a = answers[i];
    if (a.is_string()) {
      c.answers.push_back(bounded_text(a, f, kMaxFlowTestAnswerChars, false));
    } else if (a.is_object() && a.dump().size() <= kMaxFlowTestAnswerChars * 4 &&
               std::holds_alternative<conv::Input>(conv::parse_input(a))) {
      c.answers.push_back(a);
    } else {
      bad(f, "回答は文字か、正しい入力の形で指定してください");
    }
  }
  const Json expect = t.value("expect", Json::object());
  if (!expect.is_object()) bad(at + ".expect", "期待する結果はオブジェクトで指定してください");
  for (auto it = expect.begin(); it != expect.end(); ++it) {
    const std::string f = at + ".expect." + it.key();
    const Json& v = it.value();
    if (it.key() == "submitted") {
      if (!v.is_boolean()) bad(f, "申請まで進むかどうかは true か false で指定してください");
      c.submitted = v.get<bool>();
    } else if (it.key() == "fee") {
      if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > kMaxFlowTestFee)
        bad(f, "手数料は0以上の整数（円）で指定してください");
      c.fee = v.get<int64_t>();
    } else if (it.key() == "step") {
      c.end_step = bounded_text(v, f, 64, false);
    } else if (it.key() == "fields") {
      if (!v.is_object() || v.size() > kMaxFlowTestFields)
        bad(f, "回答の確認は" + std::to_string(kMaxFlowTestFields) + "個までにしてください");
      for (auto fi = v.begin(); fi != v.end(); ++fi) {
        if (fi.key().empty() || fi.key().size() > 64) bad(f, "ステップ名が正しくありません");
        c.fields[fi.key()] = bounded_text(fi.value(), f + "." + fi.key(), 200, false);
      }
    } else {
      bad(f, "期待する結果に使えない項目です");
    }
  }
  return c;
}

std::string step_name(const conv::ServiceDefinition& def, const std::string& id) {
  if (id.empty()) return "（終了）";
  const conv::Step* s = def.find(id);
  std::string name = s ? (!s->label.empty() ? s->label : conv::truncate_chars(s->text, 24)) : "";
  return name.empty() || name == id ? "「" + id + "」" : "「" + name + "」（" + id + "）";
}

std::string answer_text(const Json& a) {
  return a.is_string() ? a.get<std::string>() : a.value("value", a.value("text", a.dump()));
}

// Whether an answer matches what staff wrote: its display text, or its value as written.
bool answer_matches(const conv::Answer& a, const std::string& want) {
  std::string w = conv::normalize_text(want);
  if (w == conv::normalize_text(a.display)) return true;
  if (a.value.is_string()) return w == conv::normalize_text(a.value.get<std::string>());
  if (a.value.is_array()) {
    std::string joined;
    for (const auto& v : a.value)
      joined += (joined.empty() ? "" : ",") + (v.is_string() ? v.get<std::string>() : v.dump());
    return w == conv::normalize_text(joined);
  }
  return w == conv::normalize_text(a.value.dump());
}
}  // namespace

Json FlowCheck::to_json() const {
  Json expect = Json::object();
  if (submitted) expect["submitted"] = *submitted;
  if (fee) expect["fee"] = *fee;
  if (end_step) expect["step"] = *end_step;
  if (!fields.empty()) expect["fields"] = fields;
  return {{"name", name}, {"answers", answers}, {"expect", expect}};
}

std::vector<FlowCheck> parse_flow_checks(const Json& body) {
  const Json& tests = body.is_object() && body.contains("tests") ? body["tests"] : body;
  if (!tests.is_array() || tests.size() > kMaxFlowTests)
    bad("tests", "テストは" + std::to_string(kMaxFlowTests) + "件までの並びで指定してください");
  std::vector<FlowCheck> out;
  for (size_t i = 0; i < tests.size(); ++i)
    out.push_back(parse_one(tests[i], "tests[" + std::to_string(i) + "]"));
  return out;
}

Json run_flow_checks(const conv::ServiceDefinition& def, const std::vector<FlowCheck>& tests,
                     const conv::Context& ctx) {
  Json results = Json::array();
  int passed = 0, failed = 0;
  auto today = conv::parse_iso_date(ctx.today).value_or(conv::Date{2025, 4, 1});
  for (const auto& t : tests) {
    std::vector<std::string> failures;
    conv::StepResult r = conv::start(def, ctx);
    std::optional<int64_t> submitted_fee;
    auto note_effects = [&] {
      for (const auto& e : r.effects)
        if (e.kind == conv::Effect::Kind::submit) submitted_fee = e.total_fee;
    };
    note_effects();
    size_t answered = 0;
    for (const auto& a : t.answers) {
      if (r.done) {
        failures.push_back(std::to_string(answered + 1) + "個目の回答「" +
                           conv::truncate_chars(answer_text(a), 30) +
                           "」の前に、会話が終わっています");
        break;
      }
      r = a.is_string()
              ? conv::handle(def, r.state, conv::Input::of_text(a.get<std::string>()), ctx)
              : conv::handle_json(def, r.state, a, ctx);
      ++answered;
      note_effects();
      for (const auto& p : r.prompts)
        if (p.type == conv::Prompt::Type::error) {
          failures.push_back(std::to_string(answered) + "個目の回答「" +
                             conv::truncate_chars(answer_text(a), 30) +
                             "」は受け付けられませんでした：" + p.text);
          break;
        }
      if (!failures.empty()) break;
    }
    const std::string at = r.state.current;
    int64_t fee = submitted_fee ? *submitted_fee : conv::total_fee(def, r.state.answers, today);
    if (failures.empty()) {
      if (t.submitted && *t.submitted && !submitted_fee)
        failures.push_back("申請まで進みませんでした（" + step_name(def, at) +
                           "で止まっています）");
      if (t.submitted && !*t.submitted && submitted_fee)
        failures.push_back("申請まで進みました（進まない想定でした）");
      if (t.fee && *t.fee != fee)
        failures.push_back("手数料が" + std::to_string(fee) +
                           "円でした（想定: " + std::to_string(*t.fee) + "円）");
      if (t.end_step && *t.end_step != at)
        failures.push_back(step_name(def, *t.end_step) + "で止まる想定でしたが、" +
                           (at.empty() ? "会話は終わっています" : step_name(def, at) + "にいます"));
      for (const auto& [id, want] : t.fields) {
        auto it = r.state.answers.find(id);
        if (it == r.state.answers.end())
          failures.push_back(step_name(def, id) + "の回答がありません（想定:「" + want + "」）");
        else if (!answer_matches(it->second, want))
          failures.push_back(step_name(def, id) + "の回答が「" + it->second.display +
                             "」でした（想定:「" + want + "」）");
      }
    }
    bool ok = failures.empty();
    (ok ? passed : failed)++;
    results.push_back({{"name", t.name},
                       {"ok", ok},
                       {"failures", failures},
                       {"step", at},
                       {"submitted", submitted_fee.has_value()},
                       {"fee", fee},
                       {"answered", answered}});
  }
  return {{"passed", passed}, {"failed", failed}, {"results", results}};
}

namespace {
Json stored_tests(store::Db& db, int64_t tenant_id, int64_t id) {
  return db.read([&](store::Tx& tx) -> Json {
    if (!sql::service_by_id(tx, tenant_id, id)) throw ApiError::not_found();
    auto r = tx.one(
        "SELECT tests, updated_at FROM service_flow_tests WHERE tenant_id = ? AND service_id = ?",
        {tenant_id, id});
    if (!r) return {{"tests", Json::array()}, {"updated_at", nullptr}};
    return {{"tests", parse_stored_json(r->str(0))}, {"updated_at", r->i64(1)}};
  });
}
}  // namespace

void mount_flow_checks(http::Router& r, auth::AuthService& auth, Catalog& catalog, store::Db& db) {
  using auth::Role;
  r.get("/api/services/{id}/flow-tests", [&](http::Request& req) {
    auto p = auth.require(req);
    return http::Response::json(stored_tests(db, p.tenant_id, id_param(req)));
  });
  r.put("/api/services/{id}/flow-tests", [&](http::Request& req) {
    auto p = auth.require(req, Role::editor);
    int64_t id = id_param(req);
    auto tests = parse_flow_checks(http::json_body(req, kFlowCheckLimits));
    // Like the draft they belong to: editors change only their departments' services.
    if (!p.all_departments()) {
      auto d = catalog.department_of(p.tenant_id, id);
      if (!d) throw ApiError::not_found();
      if (!p.in_department(*d))
        throw ApiError(403, "forbidden",
                       "所属していない課（" + *d + "）のサービスのテストは変更できません",
                       "department");
    }
    Json list = Json::array();
    for (const auto& t : tests) list.push_back(t.to_json());
    int64_t now = clock::now_ms();
    db.write([&](store::Tx& tx) {
      if (!sql::service_by_id(tx, p.tenant_id, id)) throw ApiError::not_found();
      tx.exec(
          "INSERT INTO service_flow_tests (tenant_id, service_id, tests, updated_at, updated_by) "
          "VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, service_id) DO UPDATE SET tests = "
          "excluded.tests, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
          {p.tenant_id, id, list.dump(), now, p.staff_id});
      auth::audit(tx, p, "service.flow_tests", "service", std::to_string(id),
                  {{"tests", list.size()}});
    });
    return http::Response::json({{"tests", list}, {"updated_at", now}});
  });
  r.post("/api/services/{id}/flow-tests/run", [&](http::Request& req) {
    auto p = auth.require(req, Role::editor);
    int64_t id = id_param(req);
    auto body = http::json_body(req, kServiceDefinitionLimits);
    if (!body.is_object()) bad("", "本文はオブジェクトで指定してください");
    // The editor's unsaved draft when sent (what the preview plays), else the stored draft;
    // the tests sent, else the saved ones.
    Json stored = stored_tests(db, p.tenant_id, id);
    Json definition = body.contains("definition") ? body["definition"]
                                                  : catalog.detail(p.tenant_id, id)["definition"];
    auto tests = parse_flow_checks(body.contains("tests") ? body["tests"] : stored["tests"]);
    auto def = load_or_throw(definition);
    int64_t now = clock::now_ms();
    // As in the preview: no lookup lists, postal data or slots; nothing is stored.
    conv::Context ctx{clock::date_jst(now), now, nullptr, nullptr, 0};
    return http::Response::json(run_flow_checks(def, tests, ctx));
  });
}

}  // namespace mg::services
