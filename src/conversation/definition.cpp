#include "conversation/definition.h"

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include "conversation/field_reader.h"
#include "conversation/step_kind.h"
#include "core/crypto.h"

namespace mg::conversation {

namespace {

using Reader = FieldReader;

const std::pair<StepKind, const char*> kKinds[] = {
    {StepKind::message, "message"},   {StepKind::choice, "choice"},   {StepKind::text, "text"},
    {StepKind::date, "date"},         {StepKind::address, "address"}, {StepKind::photo, "photo"},
    {StepKind::location, "location"}, {StepKind::branch, "branch"},   {StepKind::lookup, "lookup"},
    {StepKind::confirm, "confirm"},   {StepKind::submit, "submit"},   {StepKind::rating, "rating"},
};

const std::pair<TextFormat, const char*> kFormats[] = {
    {TextFormat::free, "free"},
    {TextFormat::kana, "kana"},
    {TextFormat::email, "email"},
    {TextFormat::phone, "phone"},
    {TextFormat::postal_code, "postal_code"},
    {TextFormat::number, "number"},
};

ChoiceOption parse_choice(const Json& c, Reader& parent, size_t index, std::vector<Issue>& issues,
                          const std::string& step_id) {
  ChoiceOption o;
  std::string field = "choices[" + std::to_string(index) + "]";
  if (!c.is_object()) {
    parent.issue(field, "wrong_type", field + " は選択肢（value と label）で指定してください");
    return o;
  }
  Reader r(c, step_id, issues);
  o.value = r.str("value");
  o.label = r.str("label");
  o.short_label = r.str("short_label");
  o.fee = r.number<int64_t>("fee");
  o.next = r.str("next");
  if (o.value.empty())
    parent.issue(field + ".value", "missing_field", field + " に値（value）を入力してください");
  if (o.label.empty()) o.label = o.value;
  return o;
}

Step parse_step(const Json& s, size_t index, std::vector<Issue>& issues) {
  Step step;
  std::string where = "steps[" + std::to_string(index) + "]";
  if (!s.is_object()) {
    issues.push_back(Issue{"", where, "wrong_type",
                           where + " の形が正しくありません（項目の組で指定してください）"});
    return step;
  }
  // Issues name the step by its id when it has one; a non-string id is reported by r.str below
  // (s.value() would throw a type error there, a 500 instead of a finding).
  auto id = s.find("id");
  Reader r(s, id != s.end() && id->is_string() ? id->get<std::string>() : where, issues);
  step.id = r.str("id", true);
  std::string kind = r.str("kind", true);
  if (auto k = step_kind_from(kind)) {
    step.kind = *k;
    step.spec = &builtin_spec(*k);
  } else if (const StepKindSpec* plugin = find_step_kind(kind)) {
    step.kind = StepKind::plugin;
    step.spec = plugin;
  } else if (!kind.empty()) {
    r.issue("kind", "unknown_kind", "ステップの種類「" + kind + "」はありません");
  }
  step.text = r.str("text");
  step.label = r.str("label");
  step.hint = r.str("hint");
  step.next = r.str("next");
  step.optional = r.boolean("optional", false);
  step.extension = r.str("extension");
  if (s.contains("personal")) step.personal = r.boolean("personal", false);

  if (s.contains("choices")) {
    if (!s["choices"].is_array()) {
      r.issue("choices", "wrong_type", "選択肢（choices）は一覧で指定してください");
    } else {
      for (size_t i = 0; i < s["choices"].size(); ++i)
        step.choices.push_back(parse_choice(s["choices"][i], r, i, issues, step.id));
    }
  }
  step.multiple = r.boolean("multiple", false);
  step.min_selections = r.number<int>("min_selections").value_or(step.optional ? 0 : 1);
  step.max_selections = r.number<int>("max_selections").value_or(0);

  std::string format = r.str("format");
  if (!format.empty()) {
    bool found = false;
    for (auto& [f, name] : kFormats) {
      if (format == name) {
        step.format = f;
        found = true;
      }
    }
    if (!found)
      r.issue("format", "unknown_format",
              "入力の形式「" + format +
                  "」はありません（kana, email, phone, postal_code, number のいずれか）");
  }
  step.min_length = r.number<int>("min_length");
  step.max_length = r.number<int>("max_length");
  if (step.kind != StepKind::date) {
    step.min = r.number<double>("min");
    step.max = r.number<double>("max");
  }
  step.unit_fee = r.number<int64_t>("unit_fee");

  step.max_bytes = r.number<int64_t>("max_bytes").value_or(step.max_bytes);
  if (s.contains("types") && s["types"].is_array()) {
    step.types.clear();
    for (const auto& t : s["types"])
      if (t.is_string()) step.types.push_back(t.get<std::string>());
  }
  step.ask_postal_code = r.boolean("ask_postal_code", true);

  if (s.contains("cases")) {
    if (!s["cases"].is_array()) {
      r.issue("cases", "wrong_type", "分岐の条件（cases）は一覧で指定してください");
    } else {
      for (size_t i = 0; i < s["cases"].size(); ++i) {
        const Json& c = s["cases"][i];
        std::string field = "cases[" + std::to_string(i) + "]";
        if (!c.is_object() || !c.contains("when") || !c.contains("next") ||
            !c["next"].is_string()) {
          r.issue(field, "missing_field",
                  field + " には条件（when）と進み先（next）の両方が必要です");
          continue;
        }
        try {
          step.cases.push_back(
              BranchCase{parse_condition(c["when"]), c["next"].get<std::string>()});
        } catch (const std::exception& e) {
          r.issue(field + ".when", "bad_condition", e.what());
        }
      }
    }
  }
  step.default_next = r.str("default");

  step.list = r.str("list");
  if (s.contains("match_fields")) {
    if (!s["match_fields"].is_object()) {
      r.issue(
          "match_fields", "wrong_type",
          "照合する項目（match_fields）は「名簿の列名: 質問のステップ名」の組で指定してください");
    } else {
      for (auto it = s["match_fields"].begin(); it != s["match_fields"].end(); ++it) {
        if (it.value().is_string())
          step.match_fields.emplace_back(it.key(), it.value().get<std::string>());
        else
          r.issue("match_fields." + it.key(), "wrong_type",
                  "照合する項目には質問のステップ名を指定してください");
      }
    }
  }
  step.on_fail = r.str("on_fail");
  step.daily_limit = r.number<int>("daily_limit").value_or(step.daily_limit);
  step.retry = r.str("retry");
  if (step.spec) step.spec->parse(s, r, step);
  return step;
}

}  // namespace

const char* to_string(StepKind k) {
  for (auto& [kind, name] : kKinds)
    if (kind == k) return name;
  return "?";
}

std::optional<StepKind> step_kind_from(const std::string& s) {
  for (auto& [kind, name] : kKinds)
    if (s == name) return kind;
  return std::nullopt;
}

const char* to_string(TextFormat f) {
  for (auto& [fmt, name] : kFormats)
    if (fmt == f) return name;
  return "?";
}

bool is_question(StepKind k) { return k != StepKind::plugin && builtin_spec(k).asks(); }

bool is_question(const Step& s) { return spec_of(s).asks(); }

std::string kind_name(const Step& s) { return spec_of(s).name(); }

bool asks_personal_data(const Step& s) {
  if (!is_question(s)) return false;
  if (s.personal) return *s.personal;
  return spec_of(s).personal(s);
}

const Step* ServiceDefinition::find(const std::string& id) const {
  for (const auto& s : steps)
    if (s.id == id) return &s;
  return nullptr;
}

int ServiceDefinition::index_of(const std::string& id) const {
  for (size_t i = 0; i < steps.size(); ++i)
    if (steps[i].id == id) return static_cast<int>(i);
  return -1;
}

std::string ServiceDefinition::following(const Step& s) const {
  int i = index_of(s.id);
  if (i < 0 || i + 1 >= static_cast<int>(steps.size())) return kEndStep;
  return steps[i + 1].id;
}

std::string ServiceDefinition::lookup_retry(const Step& lookup) const {
  if (!lookup.retry.empty()) return lookup.retry;
  std::string best = start;
  int best_index = -1;
  for (const auto& [field, source] : lookup.match_fields) {
    int i = index_of(source);
    if (i >= 0 && (best_index < 0 || i < best_index)) {
      best_index = i;
      best = source;
    }
  }
  return best;
}

Json Issue::to_json() const {
  Json j{{"code", code}, {"message", message}};
  if (!step_id.empty()) j["step_id"] = step_id;
  if (!field.empty()) j["field"] = field;
  return j;
}

ParseResult parse_definition(const Json& j) {
  ParseResult result;
  auto& issues = result.issues;
  if (!j.is_object()) {
    issues.push_back(
        Issue{"", "", "wrong_type",
              "サービス定義の形が正しくありません（JSON のオブジェクトで指定してください）"});
    return result;
  }
  if (!j.contains("format") || !j["format"].is_string()) {
    issues.push_back(
        Issue{"", "format", "missing_field",
              std::string("定義の形式（format）を指定してください（「") + kServiceFormat + "」）"});
    return result;
  }
  std::string format = j["format"].get<std::string>();
  if (format != kServiceFormat) {
    std::string family = "madoguchi.service/";
    std::string msg = format.rfind(family, 0) == 0
                          ? "定義の形式の版「" + format.substr(family.size()) +
                                "」にはこのサーバーは対応していません（対応している版は 1：「" +
                                kServiceFormat + "」）"
                          : "「" + format + "」は madoguchi のサービス定義ではありません（「" +
                                kServiceFormat + "」を指定してください）";
    issues.push_back(Issue{"", "format", "incompatible_format", msg});
    return result;
  }

  ServiceDefinition def;
  Reader r(j, "", issues);
  def.service_key = r.str("service_key", true);
  def.title = r.str("title", true);
  def.department = r.str("department");
  def.category = r.str("category");
  def.description = r.str("description");
  def.locale = j.contains("locale") ? r.str("locale") : "ja";
  def.start = r.str("start");
  def.completion_message = r.str("completion_message");
  if (j.contains("kind")) {
    std::string kind = r.str("kind");
    if (kind == "survey")
      def.kind = ServiceKind::survey;
    else if (kind != "application")
      r.issue(
          "kind", "unknown_kind",
          "サービスの種類（kind）は application（申請）か survey（アンケート）で指定してください");
  }
  def.fee = r.number<int64_t>("fee");
  if (j.contains("privacy_notice")) {
    if (j["privacy_notice"].is_object()) {
      Reader n(j["privacy_notice"], "", issues);
      PrivacyNotice notice;
      notice.text = n.str("text");
      notice.url = n.str("url");
      notice.version = n.str("version");
      // The consent record names exactly what was agreed to, even if staff forget `version`.
      notice.sha256 = crypto::sha256_hex(notice.text + "\n" + notice.url);
      def.privacy_notice = std::move(notice);
    } else {
      r.issue("privacy_notice", "wrong_type",
              "個人情報の取扱い（privacy_notice）は text（本文）と、必要なら url・version "
              "で指定してください");
    }
  }
  if (j.contains("available")) {
    if (j["available"].is_object()) {
      Reader a(j["available"], "", issues);
      def.available_from = a.str("from");
      def.available_to = a.str("to");
    } else {
      r.issue("available", "wrong_type",
              "受付期間（available）は from（開始日）と to（終了日）で指定してください");
    }
  }
  if (!j.contains("steps") || !j["steps"].is_array() || j["steps"].empty()) {
    r.issue("steps", "missing_field", "ステップ（steps）を1つ以上指定してください");
  } else {
    for (size_t i = 0; i < j["steps"].size(); ++i)
      def.steps.push_back(parse_step(j["steps"][i], i, issues));
  }
  if (def.start.empty() && !def.steps.empty()) def.start = def.steps.front().id;
  if (issues.empty()) result.definition = std::move(def);
  return result;
}

}  // namespace mg::conversation
